package org.creativebridge.bridge.cli;

import java.io.PrintWriter;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.BridgeVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bridge}: the daemon and its tools. Exit codes: 0 ok, 1 the work failed, 2 bad usage. */
@Command(
    name = "bridge",
    mixinStandardHelpOptions = true,
    versionProvider = BridgeCli.Version.class,
    description = "Creative Bridge: local AI for the apps you already use. Nothing leaves this machine.",
    subcommands = {ServeCommand.class, RunCommand.class, ModelsCommand.class})
public final class BridgeCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: serve, run or models");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new BridgeCli());
    cli.setExecutionExceptionHandler(BridgeCli::reportFailure);
    cli.setParameterExceptionHandler(BridgeCli::reportUsage);
    return cli;
  }

  /** One line, with the stable code where there is one; no stack trace for the user. */
  private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof BridgeException bridge) {
      err.println("bridge: " + bridge.code().code() + ": " + bridge.getMessage());
    } else {
      err.println("bridge: " + e.getMessage());
    }
    err.flush();
    return 1;
  }

  private static int reportUsage(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("bridge: " + e.getMessage());
    err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return 2;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"bridge " + BridgeVersion.current()};
    }
  }
}
