package org.creativebridge.bridge.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.creativebridge.bridge.Daemon;
import org.creativebridge.bridge.config.BridgeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the daemon on 127.0.0.1 until stopped (Ctrl-C or SIGTERM).")
final class ServeCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "7860", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--offline", description = "refuse every outbound connection, model pulls included")
  boolean offline;

  @Option(names = "--mirror", paramLabel = "URL", description = "a Hugging Face mirror for model pulls (default: $HF_ENDPOINT or the publisher)")
  String mirror;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0..65535, not " + port);
    }
    BridgeHome home = BridgeHome.resolve(System.getenv());
    Daemon daemon = Daemon.start(home, new Daemon.Options(port, offline, mirror));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  stopped.countDown();
                },
                "bridge-shutdown"));
    var out = spec.commandLine().getOut();
    out.println("Creative Bridge serving on " + daemon.url() + " (home: " + home.root() + ")");
    out.flush();
    stopped.await();
    return 0;
  }
}
