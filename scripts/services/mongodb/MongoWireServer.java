// The local MongoDB-wire test server: de.bwaldvogel:mongo-java-server with its H2 (MVStore) backend,
// persisted to one file. Built and started by scripts/services/mongodb.sh; see docs/decisions/0003.
// Usage: java -cp <libs>/*:<classes> MongoWireServer HOST PORT DATA_FILE
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.h2.mvstore.MVStoreTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public final class MongoWireServer {
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: MongoWireServer HOST PORT DATA_FILE");
      System.exit(2);
    }
    // The MVStore file never shrinks while open (a benchmark's dropped data stays as free space): rewrite
    // it with only the live data at each start (a second or two while that is small).
    if (Files.exists(Path.of(args[2]))) {
      MVStoreTool.compactCleanUp(args[2]);
      MVStoreTool.compact(args[2], false);
    }
    H2Backend backend = new H2Backend(args[2]);
    // The library reports MongoDB 4.0 (wire version 7) at most; the mongodb driver 7.x refuses anything
    // below 4.4 (wire 9) at handshake. Report 6.0 (wire 17); the commands the sinks use are unchanged.
    backend.version(new MongoVersion() {
      @Override
      public List<Integer> getVersionArray() {
        return List.of(6, 0, 0);
      }

      @Override
      public int getWireVersion() {
        return 17;
      }
    });
    MongoServer server = new MongoServer(backend);
    server.bind(args[0], Integer.parseInt(args[1]));
    System.err.println("mongo-java-server listening on " + args[0] + ":" + args[1] + ", data " + args[2]);
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (services.sh down): close the server and the MVStore, so every acknowledged write is on disk.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      backend.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
