package org.creativebridge.inference.audio;

/**
 * Names what a file's first bytes say it is, so a mislabelled upload is refused with a message
 * saying what it really is. A prefix-only guess: MP3 streams are confirmed by {@link MpegAudioProbe}.
 *
 * <p>Thread-safe: stateless.
 */
final class AudioSniffer {
  enum Container { WAV, FLAC, MP3, OGG }

  private AudioSniffer() {}

  /** The audio container the prefix starts, or null when it starts none we read. */
  static Container containerOf(byte[] prefix) {
    if (startsWith(prefix, 0, "RIFF") && startsWith(prefix, 8, "WAVE")) {
      return Container.WAV;
    }
    if (startsWith(prefix, 0, "fLaC")) {
      return Container.FLAC;
    }
    if (startsWith(prefix, 0, "OggS")) {
      return Container.OGG;
    }
    if (startsWith(prefix, 0, "ID3") || MpegAudioProbe.FrameHeader.parse(prefix, 0) != null) {
      return Container.MP3;
    }
    return null;
  }

  /** A noun phrase for what the prefix is ("a FLAC file", "a PNG image"), or null when unknown. */
  static String describe(byte[] prefix) {
    Container container = containerOf(prefix);
    if (container != null) {
      return switch (container) {
        case WAV -> "a WAV file";
        case FLAC -> "a FLAC file";
        case OGG -> "an Ogg file";
        case MP3 -> "an MP3 file";
      };
    }
    if (startsWith(prefix, 0, "RF64") || startsWith(prefix, 0, "BW64")) {
      return "an RF64 (64-bit WAV) file";
    }
    if (startsWith(prefix, 0, "FORM") && (startsWith(prefix, 8, "AIFF") || startsWith(prefix, 8, "AIFC"))) {
      return "an AIFF file";
    }
    if (startsWith(prefix, 4, "ftyp")) {
      return "an MP4/M4A file";
    }
    if (prefix.length >= 4 && (prefix[0] & 0xff) == 0x1A && (prefix[1] & 0xff) == 0x45
        && (prefix[2] & 0xff) == 0xDF && (prefix[3] & 0xff) == 0xA3) {
      return "a Matroska/WebM file";
    }
    if (startsWith(prefix, 1, "PNG")) {
      return "a PNG image";
    }
    if (prefix.length >= 3 && (prefix[0] & 0xff) == 0xFF && (prefix[1] & 0xff) == 0xD8 && (prefix[2] & 0xff) == 0xFF) {
      return "a JPEG image";
    }
    if (startsWith(prefix, 0, "%PDF")) {
      return "a PDF document";
    }
    if (startsWith(prefix, 0, "PK")) {
      return "a ZIP archive";
    }
    return null;
  }

  static boolean startsWith(byte[] bytes, int offset, String ascii) {
    if (bytes.length < offset + ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (bytes[offset + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
