package org.creativebridge.bridge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.creativebridge.bridge.config.BridgeHome;
import org.creativebridge.bridge.engines.BuiltinEngines;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "The models in your models folder, and the engines that serve each task.",
    subcommands = {ModelsCommand.ListCommand.class})
final class ModelsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a models command: list");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List engines and installed models.")
  static final class ListCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      java.io.PrintWriter out = spec.commandLine().getOut();
      BridgeHome home = BridgeHome.resolve(System.getenv());
      out.println("Built-in engines (no download needed):");
      for (Engine engine : BuiltinEngines.list()) {
        EngineInfo info = engine.info();
        out.printf("  %-24s %-16s %s%n", info.id(), info.task(), info.description());
        engine.close();
      }
      Path models = home.models();
      List<Path> files = List.of();
      if (Files.isDirectory(models)) {
        try (Stream<Path> walk = Files.walk(models, 3)) {
          files = walk.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
        }
      }
      out.println("Installed models in " + models + ":");
      if (files.isEmpty()) {
        out.println("  (none)");
      }
      for (Path file : files) {
        // No engine family recognises model files yet; list them so the user sees what is there.
        out.printf("  %-40s %,d bytes (not used by any engine yet)%n", models.relativize(file), Files.size(file));
      }
      out.flush();
      return 0;
    }
  }
}
