package org.creativebridge.bridge.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.models.Catalogue;
import org.creativebridge.inference.models.ModelFamily;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.protocol.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

  @TempDir static Path generated;
  static Path models;
  static Path secret;
  static OnnxRuntime runtime;

  @TempDir Path home;
  @TempDir Path userFiles;
  ModelStore store;

  @BeforeAll
  static void generate() throws Exception {
    models = generated.resolve("models");
    secret = generated.resolve("secret.bin");
    Files.write(secret, new byte[16]);
    FamilyModels.generate(models, secret);
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 0));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @BeforeEach
  void openStore() throws IOException {
    store = new ModelStore(home.resolve("models"), runtime);
  }

  /** A copy of generated model {@code name} in the user's own folder. */
  private Path userCopy(String name) throws IOException {
    Path copy = userFiles.resolve(name);
    Files.copy(models.resolve(name), copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  private static BridgeException refused(ErrorCode code, Runnable action) {
    BridgeException e = assertThrows(BridgeException.class, action::run);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  @Test
  void referencedImportDetectsTheFamilyAndLeavesTheFileWhereItIs() throws Exception {
    Path migan = userCopy("migan.onnx");
    InstalledModel model = store.importModel(new ImportRequest(migan, null, false, null));
    assertEquals("migan", model.id());
    assertEquals("migan", model.family());
    assertEquals("image.inpaint", model.task());
    assertTrue(model.referenced());
    assertEquals(InstalledModel.ORIGIN_IMPORT, model.origin());
    assertEquals(migan.toString(), model.files().get(0).path());
    assertEquals(sha256(migan), model.files().get(0).sha256());
    assertEquals(List.of(model), store.list());
    assertEquals(model, store.find("migan").orElseThrow());
    assertEquals(List.of("manifest.json"), listNames(store.folder("migan")));
    assertEquals(migan, store.openForEngine("migan").paths().get(migan.toString()));
  }

  @Test
  void aWrongFamilyNamedExplicitlyIsRefusedWithWhatItFitsInstead() throws Exception {
    Path migan = userCopy("migan.onnx");
    BridgeException e =
        refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(migan, "lama", false, null)));
    assertTrue(e.getMessage().startsWith("migan.onnx is not a lama model (input 'image': expected float32"), e.getMessage());
    assertTrue(e.getMessage().contains("it fits migan instead (an image model with inputs image uint8 [1,3,-1,-1]"), e.getMessage());
    assertTrue(store.list().isEmpty());
  }

  @Test
  void aFileThatFitsNoFamilyIsRefusedSayingWhatItLooksLike() throws Exception {
    Path unknown = userCopy("unknown_image.onnx");
    BridgeException e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(unknown, null, true, null)));
    assertEquals(
        "unknown_image.onnx looks like an image model with inputs image uint8 [1,3,-1,-1],"
            + " mask uint8 [1,1,-1,-1]; outputs output uint8 [1,3,-1,-1]; no supported family has"
            + " that signature",
        e.getMessage());
    assertNoModelsAndNothingStaged();
  }

  @Test
  void referencedFileChangedAfterImportIsReportedByOpenForEngineAndVerify() throws Exception {
    Path lama = userCopy("lama.onnx");
    store.importModel(new ImportRequest(lama, "lama", false, "my-lama"));
    assertTrue(store.verify("my-lama").ok());

    // Same size, different bytes, a later time: only the hash can tell.
    byte[] bytes = Files.readAllBytes(lama);
    bytes[bytes.length - 1] ^= 1;
    Files.write(lama, bytes);
    Files.setLastModifiedTime(lama, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    EngineException e = assertThrows(EngineException.class, () -> store.openForEngine("my-lama"));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("changed since import (its sha256 differs)"), e.getMessage());
    VerifyReport report = store.verify("my-lama");
    assertEquals(VerifyReport.Kind.CONTENT_CHANGED, report.problems().get(0).kind());

    Files.write(lama, new byte[] {1, 2, 3});
    e = assertThrows(EngineException.class, () -> store.openForEngine("my-lama"));
    assertTrue(e.getMessage().contains("changed since import (" + bytes.length + " bytes then, 3 now)"), e.getMessage());
    assertEquals(VerifyReport.Kind.SIZE_CHANGED, store.verify("my-lama").problems().get(0).kind());
  }

  @Test
  void referencedFileMovedAfterImportIsReportedNotSilentlyUsed() throws Exception {
    Path rvc = userCopy("rvc.onnx");
    store.importModel(new ImportRequest(rvc, null, false, null));
    Files.move(rvc, userFiles.resolve("moved.onnx"));
    EngineException e = assertThrows(EngineException.class, () -> store.openForEngine("rvc"));
    assertEquals(
        "model rvc: " + rvc + " is missing: moved, renamed or deleted since import;"
            + " run 'models verify' and re-import or pull it again",
        e.getMessage());
    VerifyReport report = store.verifyAll().get(0);
    assertFalse(report.ok());
    assertEquals(VerifyReport.Kind.MISSING, report.problems().get(0).kind());
  }

  @Test
  void copyImportSurvivesDeletionOfTheSource() throws Exception {
    Path kokoro = userCopy("kokoro.onnx");
    InstalledModel model = store.importModel(new ImportRequest(kokoro, null, true, null));
    Files.delete(kokoro);
    assertFalse(model.referenced());
    assertEquals("kokoro.onnx", model.files().get(0).path());
    assertTrue(store.verify("kokoro").ok());
    ModelStore.EngineModel opened = store.openForEngine("kokoro", true);
    assertEquals(store.folder("kokoro").resolve("kokoro.onnx"), opened.onnx(null).path());
  }

  @Test
  void removingAReferencedImportKeepsTheUsersFile() throws Exception {
    Path contentvec = userCopy("contentvec.onnx");
    byte[] before = Files.readAllBytes(contentvec);
    store.importModel(new ImportRequest(contentvec, null, false, null));
    store.remove("contentvec");
    assertTrue(store.find("contentvec").isEmpty());
    assertFalse(Files.exists(store.folder("contentvec")));
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(contentvec)));
    refused(ErrorCode.MODEL_NOT_FOUND, () -> store.remove("contentvec"));
  }

  @Test
  void removingACopyDeletesItsFolder() throws Exception {
    store.importModel(new ImportRequest(userCopy("rmvpe.onnx"), null, true, null));
    store.remove("rmvpe");
    assertNoModelsAndNothingStaged();
  }

  @Test
  void piperVoiceImportsWithItsConfigAndIsRefusedWithoutIt() throws Exception {
    Path voice = userCopy("piper.onnx");
    BridgeException e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(voice, null, true, null)));
    assertEquals(
        "piper.onnx is a piper model but its piper.onnx.json is missing; it must sit beside the model", e.getMessage());
    userCopy("piper.onnx.json");
    InstalledModel model = store.importModel(new ImportRequest(voice, null, true, null));
    assertEquals(List.of("piper.onnx", "piper.onnx.json"), model.files().stream().map(f -> f.path()).toList());
  }

  @Test
  void sdInpaintingFolderImportsAsOneModel() throws Exception {
    InstalledModel model = store.importModel(new ImportRequest(models.resolve("sd15"), null, true, "sd"));
    assertEquals(ModelFamily.SD15_INPAINT.id(), model.family());
    assertEquals(4, model.files().size());
    assertEquals(
        store.folder("sd").resolve("unet/model.onnx"),
        store.openForEngine("sd").onnx("unet/model.onnx").path());
  }

  @Test
  void aFolderWithOneModelAndItsVoicePacksImportsAsThatModelsFamily() throws Exception {
    Path folder = userFiles.resolve("kokoro-with-voices");
    Files.createDirectories(folder.resolve("voices"));
    Files.copy(models.resolve("kokoro.onnx"), folder.resolve("model.onnx"));
    Files.write(folder.resolve("voices").resolve("af_heart.bin"), new byte[1024]);
    InstalledModel model = store.importModel(new ImportRequest(folder, null, false, null));
    assertEquals("kokoro", model.family());
    assertEquals("kokoro-with-voices", model.id());
    assertEquals(2, model.files().size());
    assertTrue(model.files().stream().allMatch(f -> Path.of(f.path()).isAbsolute()));
  }

  @Test
  void externalDataLeadingOutIsRefusedBeforeOnnxRuntimeOpensIt() throws Exception {
    Path parent = userCopy("ext_parent.onnx");
    BridgeException e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(parent, null, true, null)));
    assertEquals("model ext_parent.onnx names external data outside its folder: ../secret.bin", e.getMessage());
    Path absolute = userCopy("ext_absolute.onnx");
    e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(absolute, null, true, null)));
    assertTrue(e.getMessage().contains("names external data at an absolute path"), e.getMessage());
    Path linked = userCopy("ext_ok.onnx");
    Files.createSymbolicLink(userFiles.resolve("ext_ok.bin"), secret);
    e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(linked, null, true, null)));
    assertTrue(e.getMessage().contains("links outside its folder"), e.getMessage());
    Files.delete(userFiles.resolve("ext_ok.bin"));
    Files.createLink(userFiles.resolve("ext_ok.bin"), secret);
    e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(linked, null, true, null)));
    assertTrue(e.getMessage().contains("hardlinked elsewhere"), e.getMessage());
    assertNoModelsAndNothingStaged();
  }

  @Test
  void truncatedAndGarbageFilesAreRefusedClearly() throws Exception {
    Path truncated = userFiles.resolve("truncated.onnx");
    byte[] whole = Files.readAllBytes(models.resolve("lama.onnx"));
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    BridgeException e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(truncated, null, true, null)));
    assertTrue(e.getMessage().startsWith("model truncated.onnx is truncated or not an ONNX model"), e.getMessage());
    Path garbage = userFiles.resolve("garbage.onnx");
    Files.writeString(garbage, "this is not a model");
    e = refused(ErrorCode.MODEL_INVALID, () -> store.importModel(new ImportRequest(garbage, null, true, null)));
    assertTrue(e.getMessage().startsWith("model garbage.onnx is truncated or not an ONNX model"), e.getMessage());
    // The runtime keeps serving after both.
    assertEquals("lama", store.importModel(new ImportRequest(userCopy("lama.onnx"), null, true, null)).family());
  }

  @Test
  void installMovesVerifiedFilesIntoPlaceWithAManifest() throws Exception {
    Path download = userCopy("lama.onnx");
    String sha = sha256(download);
    Catalogue.Entry entry = entry("lama", "lama.onnx", sha, Files.size(download), false);
    InstalledModel model =
        store.installFromFiles(
            new InstallRequest(entry, List.of(new InstallRequest.DownloadedFile(download, "lama.onnx", sha, Files.size(download))), false));
    assertFalse(Files.exists(download), "moved, not copied");
    assertEquals(InstalledModel.ORIGIN_CATALOGUE, model.origin());
    assertEquals(new InstalledModel.LicenceAcceptance("Apache-2.0", true), model.licence());
    assertTrue(store.verify("lama").ok());
    refused(ErrorCode.MODEL_ALREADY_INSTALLED, () -> store.installFromFiles(
        new InstallRequest(entry, List.of(new InstallRequest.DownloadedFile(download, "lama.onnx", sha, 1)), false)));
  }

  @Test
  void installThatFailsVerificationLeavesNothingBehind() throws Exception {
    Path download = userCopy("migan.onnx");
    String wrong = "0".repeat(64);
    Catalogue.Entry entry = entry("migan", "migan.onnx", wrong, null, false);
    BridgeException e =
        refused(
            ErrorCode.MODEL_VERIFY_FAILED,
            () -> store.installFromFiles(new InstallRequest(entry, List.of(new InstallRequest.DownloadedFile(download, "migan.onnx", wrong, 1)), false)));
    assertTrue(e.getMessage().contains("is not the file the download verified"), e.getMessage());
    assertNoModelsAndNothingStaged();
  }

  @Test
  void restrictedLicenceMustBeAcceptedBeforeInstall() throws Exception {
    Path download = userCopy("migan.onnx");
    String sha = sha256(download);
    Catalogue.Entry entry = entry("migan", "migan.onnx", sha, null, true);
    refused(
        ErrorCode.LICENCE_NOT_ACCEPTED,
        () -> store.installFromFiles(new InstallRequest(entry, List.of(new InstallRequest.DownloadedFile(download, "migan.onnx", sha, 1)), false)));
    assertTrue(Files.exists(download));
    InstalledModel model =
        store.installFromFiles(new InstallRequest(entry, List.of(new InstallRequest.DownloadedFile(download, "migan.onnx", sha, 1)), true));
    assertTrue(model.licence().accepted());
  }

  private void assertNoModelsAndNothingStaged() throws IOException {
    assertTrue(store.list().isEmpty());
    List<String> left = listNames(store.root());
    left.remove(".staging");
    assertEquals(List.of(), left);
    Path staging = store.root().resolve(".staging");
    if (Files.isDirectory(staging)) {
      assertEquals(List.of(), listNames(staging));
    }
  }

  private static List<String> listNames(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(java.util.stream.Collectors.toList());
    }
  }

  private static Catalogue.Entry entry(String family, String file, String sha, Long size, boolean restricted) {
    ModelFamily modelFamily = ModelFamily.byId(family).orElseThrow();
    return new Catalogue.Entry(
        family,
        modelFamily.task(),
        modelFamily,
        "test",
        new Catalogue.Source(Catalogue.Source.Kind.HUGGINGFACE, "a/b", "v1", null),
        List.of(new Catalogue.FileSpec(file, file, size, sha)),
        new Catalogue.Licence(restricted ? "OpenRAIL-M" : "Apache-2.0", "n", null, restricted, "note"),
        new Catalogue.Hardware(1, Catalogue.Hardware.Gpu.OPTIONAL));
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
