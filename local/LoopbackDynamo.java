import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local listening on 127.0.0.1 only.
 *
 * <p>Why this exists: DynamoDB Local has no host option and its Jetty server listens on every
 * interface, yet the local tables hold the ES256 signing key, API-key hashes and the audit, so
 * anyone who reached the port could forge tokens or write an admin key. This builds the server
 * exactly as DynamoDB Local's own main does (same arguments), sets the host of each connector
 * before it is started, and fails to start rather than listen anywhere else when DynamoDB
 * Local's internals change. Run in Java's single-file source mode (needs the jdk.compiler
 * module, which openjdk-17-jre-headless ships); telemetry is never configured.
 */
public class LoopbackDynamo {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is a private field: DynamoDBProxyServer builds it with `new Server(port)`.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Connector[] connectors = ((Server) field.get(proxy)).getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("dynamodb local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) throw new IllegalStateException("unexpected connector " + connector.getClass().getName());
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
    proxy.join();
  }
}
