// Smoke workflow: the official Milvus Java SDK (io.milvus:milvus-sdk-java, pinned in pom.xml)
// against a real `elanus serve` that this test starts on a free loopback port.
// Run: `mvn -q test` in tests/sdk/java; $ELANUS_BIN names the server binary
// (default: build/release/tools/elanus under the repo root).
package io.elanus.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.GetReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.DeleteResp;
import io.milvus.v2.service.vector.response.GetResp;
import io.milvus.v2.service.vector.response.InsertResp;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** Each step depends on the previous ones; they run in order against one server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SdkSmokeTest {
  private static final int DIM = 8;
  private static final int ROWS = 100;
  private static final String COLLECTION = "java_smoke";

  private Path dataDir;
  private Path logPath;
  private Process server;
  private MilvusClientV2 client;
  private final float[][] vectors = makeVectors(ROWS, 20240607L);

  // Deterministic pseudo-random vectors (a small LCG), so every run sees the same data.
  private static float[][] makeVectors(int n, long seed) {
    long s = seed & 0xffffffffL;
    float[][] out = new float[n][DIM];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < DIM; k++) {
        s = (s * 1664525L + 1013904223L) & 0xffffffffL;
        out[i][k] = (float) (s / 4294967296.0 - 0.5);
      }
    }
    return out;
  }

  private static String rowName(long i) {
    return "name_" + i;
  }

  private static long rowAge(long i) {
    return i; // ages 0..99: `age > 50` keeps exactly the ids 51..99
  }

  private static Path serverBinary() {
    String bin = System.getenv("ELANUS_BIN");
    if (bin == null || bin.isEmpty()) {
      bin = "build/release/tools/elanus";
    }
    Path p = Paths.get(bin);
    if (!p.isAbsolute()) {
      Path repo = Paths.get(System.getProperty("user.dir")).resolve("../../..").normalize();
      p = repo.resolve(p).normalize();
    }
    if (!Files.isExecutable(p)) {
      fail("elanus binary not found at " + p + ": build it or set ELANUS_BIN");
    }
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private String serverLog() {
    try {
      return Files.readString(logPath);
    } catch (IOException e) {
      return "(no server log: " + e + ")";
    }
  }

  @BeforeAll
  void startServer() throws Exception {
    Path bin = serverBinary();
    dataDir = Files.createTempDirectory("elanus-java-sdk-");
    logPath = dataDir.resolve("server.log");
    int port = freePort();
    server = new ProcessBuilder(bin.toString(), "serve", "--port", String.valueOf(port),
        "--health-port", "0", "--data-dir", dataDir.resolve("data").toString())
        .redirectErrorStream(true)
        .redirectOutput(logPath.toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean up = false;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        fail("elanus serve exited early (" + server.exitValue() + "):\n" + serverLog());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        up = true;
        break;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    if (!up) {
      server.destroyForcibly();
      fail("elanus serve did not open its port within 30 s");
    }
    client = new MilvusClientV2(ConnectConfig.builder()
        .uri("http://127.0.0.1:" + port)
        .connectTimeoutMs(10_000)
        .rpcDeadlineMs(30_000)
        .build());
  }

  @AfterAll
  void stopServer() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy(); // SIGTERM
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
    if (dataDir != null) {
      try (Stream<Path> walk = Files.walk(dataDir)) {
        walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private long countAll() {
    QueryResp r = client.query(QueryReq.builder()
        .collectionName(COLLECTION)
        .filter("")
        .outputFields(List.of("count(*)"))
        .consistencyLevel(ConsistencyLevel.STRONG)
        .build());
    assertEquals(1, r.getQueryResults().size(), "count(*) rows");
    return ((Number) r.getQueryResults().get(0).getEntity().get("count(*)")).longValue();
  }

  private static long asLong(Object o) {
    assertNotNull(o);
    return ((Number) o).longValue();
  }

  @Test
  @Order(1)
  void serverVersion() {
    String v = client.getServerVersion();
    assertNotNull(v);
    assertFalse(v.isEmpty(), "empty server version");
  }

  @Test
  @Order(2)
  void createCollection() {
    CreateCollectionReq.CollectionSchema schema = client.createSchema();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64)
        .isPrimaryKey(true).autoID(false).build());
    schema.addField(AddFieldReq.builder().fieldName("vector").dataType(DataType.FloatVector)
        .dimension(DIM).build());
    schema.addField(AddFieldReq.builder().fieldName("name").dataType(DataType.VarChar)
        .maxLength(64).build());
    schema.addField(AddFieldReq.builder().fieldName("age").dataType(DataType.Int64).build());
    client.createCollection(CreateCollectionReq.builder()
        .collectionName(COLLECTION)
        .collectionSchema(schema)
        .consistencyLevel(ConsistencyLevel.STRONG)
        .build());

    assertTrue(client.hasCollection(HasCollectionReq.builder().collectionName(COLLECTION).build()));
    DescribeCollectionResp d = client.describeCollection(
        DescribeCollectionReq.builder().collectionName(COLLECTION).build());
    assertEquals("id", d.getPrimaryFieldName());
    assertEquals(Set.of("id", "vector", "name", "age"), new HashSet<>(d.getFieldNames()));
    assertEquals(List.of("vector"), d.getVectorFieldNames());
    CreateCollectionReq.CollectionSchema got = d.getCollectionSchema();
    assertEquals(DataType.Int64, got.getField("id").getDataType());
    assertTrue(got.getField("id").getIsPrimaryKey());
    assertEquals(DataType.FloatVector, got.getField("vector").getDataType());
    assertEquals(DIM, got.getField("vector").getDimension());
    assertEquals(DataType.VarChar, got.getField("name").getDataType());
    assertEquals(64, got.getField("name").getMaxLength());
    assertEquals(DataType.Int64, got.getField("age").getDataType());
  }

  @Test
  @Order(3)
  void createIndexAndLoad() {
    client.createIndex(CreateIndexReq.builder()
        .collectionName(COLLECTION)
        .indexParams(List.of(IndexParam.builder()
            .fieldName("vector")
            .indexName("vector_idx")
            .indexType(IndexParam.IndexType.FLAT)
            .metricType(IndexParam.MetricType.COSINE)
            .build()))
        .build());
    DescribeIndexResp idx = client.describeIndex(DescribeIndexReq.builder()
        .collectionName(COLLECTION).fieldName("vector").build());
    DescribeIndexResp.IndexDesc desc = idx.getIndexDescByFieldName("vector");
    assertNotNull(desc, "no index on vector: " + idx);
    assertEquals("vector_idx", desc.getIndexName());
    assertEquals(IndexParam.IndexType.FLAT, desc.getIndexType());
    assertEquals(IndexParam.MetricType.COSINE, desc.getMetricType());

    client.loadCollection(LoadCollectionReq.builder().collectionName(COLLECTION).build());
    assertTrue(client.getLoadState(GetLoadStateReq.builder().collectionName(COLLECTION).build()));
  }

  @Test
  @Order(4)
  void insert() {
    List<JsonObject> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      JsonObject row = new JsonObject();
      row.addProperty("id", (long) i);
      JsonArray v = new JsonArray();
      for (float x : vectors[i]) {
        v.add(x);
      }
      row.add("vector", v);
      row.addProperty("name", rowName(i));
      row.addProperty("age", rowAge(i));
      rows.add(row);
    }
    InsertResp r = client.insert(InsertReq.builder().collectionName(COLLECTION).data(rows).build());
    assertEquals(ROWS, r.getInsertCnt());
    List<Long> pks = r.getPrimaryKeys().stream().map(SdkSmokeTest::asLong).collect(Collectors.toList());
    List<Long> want = new ArrayList<>();
    for (long i = 0; i < ROWS; i++) {
      want.add(i);
    }
    assertEquals(want, pks);
    assertEquals(ROWS, countAll());
  }

  @Test
  @Order(5)
  void searchWithFilter() {
    final long target = 77; // its own vector is the nearest, and it satisfies age > 50
    List<BaseVector> queries = List.of(new FloatVec(vectors[(int) target]), new FloatVec(vectors[10]));
    SearchResp r = client.search(SearchReq.builder()
        .collectionName(COLLECTION)
        .annsField("vector")
        .data(queries)
        .limit(10)
        .filter("age > 50")
        .outputFields(List.of("name", "age"))
        .consistencyLevel(ConsistencyLevel.STRONG)
        .build());
    List<List<SearchResp.SearchResult>> all = r.getSearchResults();
    assertEquals(2, all.size(), "one result list per query vector");
    for (int q = 0; q < all.size(); q++) {
      List<SearchResp.SearchResult> hits = all.get(q);
      assertEquals(10, hits.size(), "query " + q + " hits: " + hits);
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < hits.size(); i++) {
        SearchResp.SearchResult h = hits.get(i);
        long id = asLong(h.getId());
        Map<String, Object> e = h.getEntity();
        long age = asLong(e.get("age"));
        assertTrue(age > 50, "query " + q + " hit violates age > 50: " + h);
        assertEquals(rowAge(id), age, "hit " + h);
        assertEquals(rowName(id), e.get("name"), "hit " + h);
        assertTrue(seen.add(id), "duplicate hit " + id);
        if (i > 0) {
          assertTrue(hits.get(i - 1).getScore() >= h.getScore(), "COSINE scores must not increase: " + hits);
        }
      }
      if (q == 0) {
        assertEquals(target, asLong(hits.get(0).getId()), "top hit: " + hits.get(0));
        assertEquals(1.0f, hits.get(0).getScore(), 1e-4f);
      } else {
        assertFalse(seen.contains(10L), "filtered-out row 10 returned: " + hits);
      }
    }
  }

  @Test
  @Order(6)
  void queryWithFilter() {
    QueryResp r = client.query(QueryReq.builder()
        .collectionName(COLLECTION)
        .filter("age >= 90 and name != \"name_95\"")
        .outputFields(List.of("id", "name", "age"))
        .consistencyLevel(ConsistencyLevel.STRONG)
        .build());
    Map<Long, String> got = new TreeMap<>();
    for (QueryResp.QueryResult row : r.getQueryResults()) {
      Map<String, Object> e = row.getEntity();
      got.put(asLong(e.get("id")), e.get("name") + "/" + asLong(e.get("age")));
    }
    Map<Long, String> want = new TreeMap<>();
    for (long i : new long[] {90, 91, 92, 93, 94, 96, 97, 98, 99}) {
      want.put(i, rowName(i) + "/" + rowAge(i));
    }
    assertEquals(want, got);
    assertEquals(want.size(), r.getQueryResults().size(), "duplicate rows");
  }

  @Test
  @Order(7)
  void getByIds() {
    GetResp r = client.get(GetReq.builder()
        .collectionName(COLLECTION)
        .ids(List.of(3L, 42L, 99L))
        .outputFields(List.of("id", "name", "age", "vector"))
        .build());
    Map<Long, Map<String, Object>> byId = new HashMap<>();
    for (QueryResp.QueryResult row : r.getGetResults()) {
      byId.put(asLong(row.getEntity().get("id")), row.getEntity());
    }
    assertEquals(Set.of(3L, 42L, 99L), byId.keySet());
    assertEquals(3, r.getGetResults().size());
    for (Map.Entry<Long, Map<String, Object>> en : byId.entrySet()) {
      long id = en.getKey();
      Map<String, Object> e = en.getValue();
      assertEquals(rowName(id), e.get("name"));
      assertEquals(rowAge(id), asLong(e.get("age")));
      @SuppressWarnings("unchecked")
      List<Float> v = (List<Float>) e.get("vector");
      assertEquals(DIM, v.size());
      for (int k = 0; k < DIM; k++) {
        assertEquals(vectors[(int) id][k], v.get(k), 0.0f, "row " + id + " vector[" + k + "]");
      }
    }
  }

  @Test
  @Order(8)
  void deleteByIds() {
    DeleteResp d = client.delete(DeleteReq.builder()
        .collectionName(COLLECTION)
        .ids(Arrays.asList(0L, 1L, 2L, 77L, 99L))
        .build());
    assertEquals(5, d.getDeleteCnt());
    assertEquals(ROWS - 5, countAll());

    GetResp g = client.get(GetReq.builder()
        .collectionName(COLLECTION)
        .ids(List.of(0L, 77L, 99L, 50L))
        .outputFields(List.of("id"))
        .build());
    List<Long> left = g.getGetResults().stream()
        .map(row -> asLong(row.getEntity().get("id"))).collect(Collectors.toList());
    assertEquals(List.of(50L), left);

    SearchResp s = client.search(SearchReq.builder()
        .collectionName(COLLECTION)
        .data(List.of(new FloatVec(vectors[77])))
        .limit(3)
        .filter("age > 50")
        .consistencyLevel(ConsistencyLevel.STRONG)
        .build());
    List<SearchResp.SearchResult> hits = s.getSearchResults().get(0);
    assertEquals(3, hits.size());
    for (SearchResp.SearchResult h : hits) {
      assertNotEquals(77L, asLong(h.getId()), "deleted row returned: " + h);
    }
  }

  @Test
  @Order(9)
  void dropCollection() {
    client.dropCollection(DropCollectionReq.builder().collectionName(COLLECTION).build());
    assertFalse(client.hasCollection(HasCollectionReq.builder().collectionName(COLLECTION).build()));
  }
}
