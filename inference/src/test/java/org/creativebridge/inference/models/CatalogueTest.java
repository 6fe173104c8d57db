package org.creativebridge.inference.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CatalogueTest {

  @Test
  void shippedCatalogueLoadsWithUniqueIdsAndKnownFamilies() {
    Catalogue catalogue = Catalogue.shipped();
    Set<String> ids = new HashSet<>();
    for (Catalogue.Entry entry : catalogue.entries()) {
      assertTrue(ids.add(entry.id()), "duplicate id " + entry.id());
      assertEquals(entry.family().task(), entry.task(), entry.id());
    }
    Set<String> families =
        catalogue.entries().stream().map(e -> e.family().id()).collect(Collectors.toSet());
    for (String required : List.of("lama", "migan", "sd15-inpaint", "piper", "kokoro", "rmvpe", "contentvec")) {
      assertTrue(families.contains(required), "catalogue lacks a " + required + " model");
    }
    assertTrue(
        catalogue.entries().stream().filter(e -> e.family() == ModelFamily.PIPER).count() >= 2,
        "at least two Piper voices");
  }

  @Test
  void everyPiperVoiceShipsItsConfigBesideTheModel() {
    for (Catalogue.Entry entry : Catalogue.shipped().entries()) {
      if (entry.family() != ModelFamily.PIPER) {
        continue;
      }
      Set<String> paths = entry.files().stream().map(Catalogue.FileSpec::installAs).collect(Collectors.toSet());
      for (String path : paths) {
        if (path.endsWith(".onnx")) {
          assertTrue(paths.contains(path + ".json"), entry.id() + " lacks " + path + ".json");
        }
      }
    }
  }

  @Test
  void restrictedLicencesCarryANoteForTheCli() {
    Catalogue.Entry sd = Catalogue.shipped().find("sd15-inpaint").orElseThrow();
    assertTrue(sd.licence().restricted());
    assertTrue(!sd.licence().note().isBlank());
    assertTrue(Catalogue.shipped().find("lama").orElseThrow().source().isCommitPinned());
  }

  @Test
  void searchMatchesEveryWordAcrossIdFamilyTaskAndDescription() {
    List<String> found =
        Catalogue.shipped().search("piper german").stream().map(Catalogue.Entry::id).collect(Collectors.toList());
    assertEquals(List.of("piper-de-de-thorsten-medium"), found);
  }

  @Test
  void duplicateIdsAndUnknownFamiliesAreRefused() {
    String entry =
        "{\"id\":\"x\",\"task\":\"image.inpaint\",\"family\":\"%s\",\"description\":\"d\","
            + "\"source\":{\"kind\":\"huggingface\",\"repo\":\"a/b\",\"revision\":\"v1\"},"
            + "\"files\":[{\"path\":\"m.onnx\",\"size\":null,\"sha256\":null}],"
            + "\"licence\":{\"id\":\"MIT\",\"name\":\"MIT\",\"url\":null,\"restricted\":false,\"note\":\"n\"},"
            + "\"hardware\":{\"min_ram_mb\":1,\"gpu\":\"optional\"}}";
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> Catalogue.parse("{\"models\":[" + String.format(entry, "lama") + "," + String.format(entry, "lama") + "]}"));
    assertEquals("catalogue id 'x' is listed twice", twice.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> Catalogue.parse("{\"models\":[" + String.format(entry, "dall-e") + "]}"));
    assertTrue(unknown.getMessage().startsWith("model 'x': unknown family 'dall-e'"), unknown.getMessage());
  }

  @Test
  void aFilePathLeavingTheModelFolderIsRefused() {
    String json =
        "{\"models\":[{\"id\":\"x\",\"task\":\"image.inpaint\",\"family\":\"lama\",\"description\":\"d\","
            + "\"source\":{\"kind\":\"huggingface\",\"repo\":\"a/b\",\"revision\":\"v1\"},"
            + "\"files\":[{\"path\":\"m.onnx\",\"install_as\":\"../m.onnx\"}],"
            + "\"licence\":{\"id\":\"MIT\",\"name\":\"MIT\",\"restricted\":false,\"note\":\"n\"},"
            + "\"hardware\":{\"min_ram_mb\":1,\"gpu\":\"optional\"}}]}";
    assertThrows(IllegalArgumentException.class, () -> Catalogue.parse(json));
  }
}
