package org.creativebridge.bridge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.creativebridge.bridge.blobs.BlobStore;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.protocol.Protocol;
import org.creativebridge.protocol.ProtocolJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bridge} as a user types it: exit codes, messages, and {@code bridge run} end to end. */
class BridgeCliTest {
  private static final int WIDTH = 32;
  private static final int HEIGHT = 24;
  /** The mask's white rectangle: x in [10, 18), y in [8, 14). */
  private static final int HOLE_X0 = 10, HOLE_X1 = 18, HOLE_Y0 = 8, HOLE_Y1 = 14;

  @TempDir Path dir;

  private Path image;
  private Path mask;

  @BeforeEach
  void writeInputs() throws IOException {
    image = writePng(dir.resolve("a.png"), picture(WIDTH, HEIGHT));
    mask = writePng(dir.resolve("m.png"), mask(WIDTH, HEIGHT));
  }

  // ---- usage ----

  @ParameterizedTest
  @ValueSource(strings = {"--help", "serve --help", "run --help", "models --help", "models list --help"})
  void help_exitsZero_andPrintsUsage(String args) {
    Result result = bridge(args.split(" "));

    assertEquals(0, result.exit, result.toString());
    assertTrue(result.out.contains("Usage:"), result.toString());
    assertEquals("", result.err);
  }

  @Test
  void help_ofRun_namesItsOptions() {
    Result result = bridge("run", "--help");

    assertTrue(result.out.contains("--input"), result.out);
    assertTrue(result.out.contains("--param"), result.out);
    assertTrue(result.out.contains("--output"), result.out);
  }

  @Test
  void version_exitsZero_andNamesTheVersion() {
    Result result = bridge("--version");

    assertEquals(0, result.exit, result.toString());
    assertTrue(result.out.startsWith("bridge "), result.out);
  }

  @Test
  void noCommand_isAUsageError() {
    Result result = bridge();

    assertUsageError(result, "name a command");
  }

  @Test
  void unknownCommand_isAUsageError() {
    Result result = bridge("frobnicate");

    assertUsageError(result, "frobnicate");
  }

  @Test
  void run_withoutOutput_isAUsageError() {
    Result result =
        bridge("run", "image.inpaint", "--input", "image=" + image, "--input", "mask=" + mask);

    assertUsageError(result, "--output");
  }

  @Test
  void serve_withPortThatIsNotANumber_isAUsageError() {
    Result result = bridge("serve", "--port", "http");

    assertUsageError(result, "--port");
  }

  @Test
  void serve_withPortOutOfRange_isAUsageError() {
    Result result = bridge("serve", "--port", "70000");

    assertUsageError(result, "--port");
  }

  @Test
  void models_withoutASubcommand_isAUsageError() {
    Result result = bridge("models");

    assertUsageError(result, "list");
  }

  @Test
  void modelsList_exitsZero_andListsTheBuiltinEngine() {
    Result result = bridgeCapturingSystemOut("models", "list");

    assertEquals(0, result.exit, result.toString());
    assertTrue(result.out.contains("builtin.patchmatch"), result.toString());
    assertTrue(result.out.contains("image.inpaint"), result.toString());
  }

  @Test
  void modelsList_printsToTheCommandLinesOwnOut() {
    // Embedders (and tests) redirect output with CommandLine.setOut; System.out must not be used.
    Result result = bridgeCapturingSystemOut("models", "list");

    assertTrue(result.configuredOut.contains("builtin.patchmatch"), result.toString());
  }

  // ---- bridge run ----

  @Test
  void run_inpaint_writesTheImageAndItsRecipe() throws IOException, EngineException {
    Path out = dir.resolve("out");

    Result result = run(out, "--param", "seed=1");

    assertEquals(0, result.exit, result.toString());
    assertEquals("", result.err);
    JsonNode recipe = ProtocolJson.mapper().readTree(out.resolve("recipe.json").toFile());
    assertEquals("image.inpaint", recipe.get("task").asText());
    assertEquals("builtin.patchmatch", recipe.at("/engine/id").asText());
    assertEquals("builtin", recipe.at("/engine/kind").asText());
    // Every param the engine ran with: the given seed plus each default of the task's schema.
    com.fasterxml.jackson.databind.node.ObjectNode expected =
        ProtocolJson.mapper().createObjectNode().put("seed", 1);
    org.creativebridge.protocol.TaskSpec.IMAGE_INPAINT.paramsSchema().get("properties").fields()
        .forEachRemaining(p -> {
          if (p.getValue().has("default")) {
            expected.set(p.getKey(), p.getValue().get("default"));
          }
        });
    assertEquals(expected, recipe.get("params"));
    assertEquals(0, recipe.at("/params/grow").asInt());
    assertEquals(BlobStore.sha256Id(image), recipe.at("/inputs/image").asText());
    assertEquals(BlobStore.sha256Id(mask), recipe.at("/inputs/mask").asText());
    assertEquals("png", recipe.get("output_format").asText());

    Path png = out.resolve("image.png");
    String embedded = ImageCodec.readPngText(png).get(Protocol.PNG_RECIPE_KEYWORD);
    assertEquals(recipe, ProtocolJson.mapper().readTree(embedded), "the PNG carries the same recipe");
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of("image.png", "recipe.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no partial files are left");
    }
  }

  @Test
  void run_inpaint_leavesPixelsOutsideTheMaskAsTheyWere_andFillsTheHole() throws IOException, EngineException {
    Path out = dir.resolve("out");

    Result result = run(out, "--param", "seed=1");

    assertEquals(0, result.exit, result.toString());
    RgbaImage input = ImageCodec.decode(image, "image/png", ImageCodec.Limits.defaults());
    RgbaImage output = ImageCodec.decode(out.resolve("image.png"), "image/png", ImageCodec.Limits.defaults());
    assertEquals(WIDTH, output.width());
    assertEquals(HEIGHT, output.height());
    assertEquals(SampleDepth.U8, output.depth());
    boolean holeChanged = false;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        for (int c = 0; c < RgbaImage.CHANNELS; c++) {
          if (inHole(x, y)) {
            holeChanged |= output.get(x, y, c) != input.get(x, y, c);
          } else {
            assertEquals(input.get(x, y, c), output.get(x, y, c), "pixel " + x + "," + y + " channel " + c);
          }
        }
      }
    }
    assertTrue(holeChanged, "the hole (a magenta square in the input) was filled");
  }

  @Test
  void run_twiceWithTheSameSeed_givesByteIdenticalImages() throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");

    assertEquals(0, run(first, "--param", "seed=1").exit);
    assertEquals(0, run(second, "--param", "seed=1").exit);

    assertArrayEquals(Files.readAllBytes(first.resolve("image.png")), Files.readAllBytes(second.resolve("image.png")));
    assertArrayEquals(Files.readAllBytes(first.resolve("recipe.json")), Files.readAllBytes(second.resolve("recipe.json")));
  }

  @Test
  void run_withoutASeed_recordsThePickedOne() throws IOException {
    Path out = dir.resolve("out");

    assertEquals(0, run(out).exit);

    JsonNode seed = ProtocolJson.mapper().readTree(out.resolve("recipe.json").toFile()).at("/params/seed");
    assertTrue(seed.isIntegralNumber(), seed.toString());
    assertTrue(seed.asLong() >= 0 && seed.asLong() <= 4_294_967_295L, seed.toString());
  }

  @Test
  void run_withRawOutputFormat_writesRawPixels() throws IOException {
    Path out = dir.resolve("out");

    Result result = run(out, "--param", "seed=1", "--output-format", "raw");

    assertEquals(0, result.exit, result.toString());
    assertEquals((long) WIDTH * HEIGHT * 4, Files.size(out.resolve("image.raw")));
    assertEquals("raw", ProtocolJson.mapper().readTree(out.resolve("recipe.json").toFile()).get("output_format").asText());
  }

  @Test
  void run_withInputsOfDifferentSizes_failsWithInputSizeMismatch() throws IOException {
    Path small = writePng(dir.resolve("small.png"), mask(16, 16));

    Result result = bridge("run", "image.inpaint", "--input", "image=" + image, "--input", "mask=" + small,
        "--output", dir.resolve("out").toString());

    assertFailure(result, "BRIDGE-3009");
    assertFalse(Files.exists(dir.resolve("out").resolve("image.png")));
  }

  @Test
  void run_ofAnUnknownTask_failsWithUnknownTask() {
    Result result = bridge("run", "image.upscale", "--input", "image=" + image, "--output", dir.resolve("out").toString());

    assertFailure(result, "BRIDGE-3001");
  }

  @Test
  void run_withAParamOutOfRange_failsWithInvalidParam() {
    Result result = run(dir.resolve("out"), "--param", "grow=999");

    assertFailure(result, "BRIDGE-3005");
  }

  @Test
  void run_withAnUnknownInputName_failsWithUnknownInput() {
    Result result = run(dir.resolve("out"), "--input", "depth=" + image);

    assertFailure(result, "BRIDGE-3004");
  }

  @Test
  void run_withAMissingInput_failsWithMissingInput() {
    Result result =
        bridge("run", "image.inpaint", "--input", "image=" + image, "--output", dir.resolve("out").toString());

    assertFailure(result, "BRIDGE-3003");
  }

  @Test
  void run_withAnInputFileThatDoesNotExist_failsWithMissingInput() {
    Result result =
        bridge("run", "image.inpaint", "--input", "image=" + dir.resolve("nope.png"), "--input", "mask=" + mask,
            "--output", dir.resolve("out").toString());

    assertFailure(result, "BRIDGE-3003");
  }

  @Test
  void run_withACorruptImage_failsWithImageUnreadable() throws IOException {
    Path broken = Files.write(dir.resolve("broken.png"), "not a png at all".getBytes(StandardCharsets.US_ASCII));

    Result result =
        bridge("run", "image.inpaint", "--input", "image=" + broken, "--input", "mask=" + mask,
            "--output", dir.resolve("out").toString());

    assertFailure(result, "BRIDGE-3006");
  }

  @Test
  void run_withAnUnknownEngine_failsWithUnknownEngine() {
    Result result = run(dir.resolve("out"), "--engine", "no.such.engine");

    assertFailure(result, "BRIDGE-3002");
  }

  @Test
  void parseValue_readsNumbersAndBooleansAsSuch_andTheRestAsText() {
    assertTrue(RunCommand.parseValue("12").isIntegralNumber());
    assertEquals(-3, RunCommand.parseValue("-3").asLong());
    assertEquals(0.5, RunCommand.parseValue("0.5").asDouble());
    assertEquals(1e3, RunCommand.parseValue("1e3").asDouble());
    assertTrue(RunCommand.parseValue("true").asBoolean());
    assertTrue(RunCommand.parseValue("false").isBoolean());
    assertEquals("a cat", RunCommand.parseValue("a cat").asText());
    assertTrue(RunCommand.parseValue("1.2.3").isTextual());
  }

  // ---- helpers ----

  @Test
  void run_tts_thenVoiceConvert_writeWavsWithTheirRecipes() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        org.creativebridge.inference.audio.tts.EspeakTtsEngine.unavailableReason().isEmpty(),
        "SKIPPED run_tts: libespeak-ng is not installed (apt-get install libespeak-ng1 espeak-ng-data)");
    Path speech = dir.resolve("speech");
    Result tts = bridge("run", "audio.tts", "--param", "text=Hello there.", "--output", speech.toString());
    assertEquals(0, tts.exit, tts.toString());
    Path wav = speech.resolve("audio.wav");
    var clip = org.creativebridge.inference.audio.AudioCodec.decode(
        wav, "audio/wav", org.creativebridge.inference.audio.AudioCodec.Limits.defaults());
    assertTrue(clip.seconds() > 0.3, clip::toString);
    assertEquals("builtin.espeak", ProtocolJson.mapper().readTree(speech.resolve("recipe.json").toFile()).at("/engine/id").asText());

    Path shifted = dir.resolve("shifted");
    Result convert =
        bridge("run", "audio.voice_convert", "--input", "audio=" + wav, "--param", "semitones=4", "--output", shifted.toString());
    assertEquals(0, convert.exit, convert.toString());
    var moved = org.creativebridge.inference.audio.AudioCodec.decode(
        shifted.resolve("audio.wav"), "audio/wav", org.creativebridge.inference.audio.AudioCodec.Limits.defaults());
    assertEquals(clip.frames(), moved.frames(), "same length, moved pitch");
    assertEquals(4, ProtocolJson.mapper().readTree(shifted.resolve("recipe.json").toFile()).at("/params/semitones").asInt());
  }

  private Result run(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "run", "image.inpaint", "--input", "image=" + image, "--input", "mask=" + mask, "--output", out.toString()));
    args.addAll(Arrays.asList(more));
    return bridge(args.toArray(String[]::new));
  }

  private static void assertUsageError(Result result, String mentioned) {
    assertEquals(2, result.exit, result.toString());
    List<String> lines = result.err.lines().toList();
    assertFalse(lines.isEmpty(), result.toString());
    assertTrue(lines.get(0).startsWith("bridge: "), result.toString());
    assertTrue(lines.get(0).contains(mentioned), result.toString());
    assertTrue(lines.size() <= 2, "one error line and at most a hint: " + result);
    assertFalse(result.err.contains("\tat "), "no stack trace: " + result);
  }

  private static void assertFailure(Result result, String code) {
    assertEquals(1, result.exit, result.toString());
    List<String> lines = result.err.lines().toList();
    assertEquals(1, lines.size(), "one line: " + result);
    assertTrue(lines.get(0).startsWith("bridge: " + code + ": "), result.toString());
  }

  private static Result bridge(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = BridgeCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString(), out.toString());
  }

  /** Runs with System.out captured as well, for commands that print there. */
  private static Result bridgeCapturingSystemOut(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Result result;
    synchronized (System.class) {
      System.setOut(new PrintStream(tee(captured, original), true, StandardCharsets.UTF_8));
      try {
        result = bridge(args);
      } finally {
        System.setOut(original);
      }
    }
    return new Result(
        result.exit, result.out + captured.toString(StandardCharsets.UTF_8), result.err, result.configuredOut);
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int value) throws IOException {
        a.write(value);
        b.write(value);
      }

      @Override
      public void write(byte[] bytes, int off, int len) throws IOException {
        a.write(bytes, off, len);
        b.write(bytes, off, len);
      }
    };
  }

  private record Result(int exit, String out, String err, String configuredOut) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  private static boolean inHole(int x, int y) {
    return x >= HOLE_X0 && x < HOLE_X1 && y >= HOLE_Y0 && y < HOLE_Y1;
  }

  /** Smooth gradients with a magenta square where the hole is, so a fill must change it. */
  private static RgbaImage picture(int width, int height) {
    RgbaImage picture = new RgbaImage(width, height, SampleDepth.U8);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean hole = inHole(x, y);
        picture.set(x, y, 0, hole ? 1f : ((x * 7) % 256) / 255f);
        picture.set(x, y, 1, hole ? 0f : ((y * 9 + 40) % 256) / 255f);
        picture.set(x, y, 2, hole ? 1f : (((x + y) * 5) % 256) / 255f);
        picture.set(x, y, 3, 1f);
      }
    }
    return picture;
  }

  /** Opaque black, with an opaque white rectangle to fill (when the size allows it). */
  private static RgbaImage mask(int width, int height) {
    RgbaImage mask = new RgbaImage(width, height, SampleDepth.U8);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float v = inHole(x, y) ? 1f : 0f;
        mask.set(x, y, 0, v);
        mask.set(x, y, 1, v);
        mask.set(x, y, 2, v);
        mask.set(x, y, 3, 1f);
      }
    }
    return mask;
  }

  private static Path writePng(Path file, RgbaImage picture) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ImageCodec.writePng(picture, Map.of(), out);
    }
    return file;
  }
}
