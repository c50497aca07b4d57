// Smoke workflow: the official Milvus Go SDK (github.com/milvus-io/milvus/client/v2, pinned in
// go.mod) against a real `elanus serve` that this test starts on a free loopback port.
// Run: `go test ./...` in this directory; $ELANUS_BIN names the server binary
// (default: build/release/tools/elanus under the repo root).
package smoke

import (
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/milvus-io/milvus/client/v2/column"
	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
)

const (
	dim        = 8
	rows       = 100
	collection = "go_smoke"
)

func repoRoot(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", "..", ".."))
}

func serverBinary(t *testing.T) string {
	bin := os.Getenv("ELANUS_BIN")
	if bin == "" {
		bin = "build/release/tools/elanus"
	}
	if !filepath.IsAbs(bin) {
		bin = filepath.Join(repoRoot(t), bin)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("elanus binary not found at %s: build it or set ELANUS_BIN", bin)
	}
	return bin
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServer runs `elanus serve` on a fresh data directory and stops it when the test ends.
func startServer(t *testing.T) string {
	bin := serverBinary(t)
	dir := t.TempDir()
	port := freePort(t)
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--port", strconv.Itoa(port), "--health-port", "0",
		"--data-dir", filepath.Join(dir, "data"))
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
		}
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("server log:\n%s", b)
			}
		}
	})

	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			b, _ := os.ReadFile(logPath)
			t.Fatalf("elanus serve exited early (%v):\n%s", err, b)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("elanus serve did not open its port within 30 s")
	return ""
}

// Deterministic pseudo-random vectors (a small LCG), so every run sees the same data.
func makeVectors(n int, seed uint32) [][]float32 {
	s := seed
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for k := range v {
			s = s*1664525 + 1013904223
			v[k] = float32(float64(s)/4294967296.0 - 0.5)
		}
		out[i] = v
	}
	return out
}

func rowName(i int64) string { return fmt.Sprintf("name_%d", i) }
func rowAge(i int64) int64   { return i } // ages 0..99: `age > 50` keeps exactly ids 51..99

func int64Column(t *testing.T, rs milvusclient.ResultSet, name string) []int64 {
	t.Helper()
	col := rs.GetColumn(name)
	if col == nil {
		t.Fatalf("result has no column %q (columns: %v)", name, columnNames(rs))
	}
	out := make([]int64, col.Len())
	for i := range out {
		v, err := col.GetAsInt64(i)
		if err != nil {
			t.Fatalf("column %q row %d: %v", name, i, err)
		}
		out[i] = v
	}
	return out
}

func stringColumn(t *testing.T, rs milvusclient.ResultSet, name string) []string {
	t.Helper()
	col := rs.GetColumn(name)
	if col == nil {
		t.Fatalf("result has no column %q (columns: %v)", name, columnNames(rs))
	}
	out := make([]string, col.Len())
	for i := range out {
		v, err := col.GetAsString(i)
		if err != nil {
			t.Fatalf("column %q row %d: %v", name, i, err)
		}
		out[i] = v
	}
	return out
}

func columnNames(rs milvusclient.ResultSet) []string {
	names := make([]string, 0, len(rs.Fields))
	for _, c := range rs.Fields {
		names = append(names, c.Name())
	}
	return names
}

func TestSmokeWorkflow(t *testing.T) {
	addr := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cli, err := milvusclient.New(ctx, &milvusclient.ClientConfig{Address: addr})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer cli.Close(context.Background())

	vectors := makeVectors(rows, 20240607)

	count := func(t *testing.T) int64 {
		t.Helper()
		rs, err := cli.Query(ctx, milvusclient.NewQueryOption(collection).
			WithFilter("").WithOutputFields("count(*)").
			WithConsistencyLevel(entity.ClStrong))
		if err != nil {
			t.Fatalf("count(*): %v", err)
		}
		c := int64Column(t, rs, "count(*)")
		if len(c) != 1 {
			t.Fatalf("count(*) returned %d rows", len(c))
		}
		return c[0]
	}

	steps := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"server version", func(t *testing.T) {
			v, err := cli.GetServerVersion(ctx, milvusclient.NewGetServerVersionOption())
			if err != nil {
				t.Fatalf("GetServerVersion: %v", err)
			}
			if v == "" {
				t.Fatal("empty server version")
			}
		}},
		{"create collection", func(t *testing.T) {
			schema := entity.NewSchema().WithName(collection).WithAutoID(false).
				WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
				WithField(entity.NewField().WithName("vector").WithDataType(entity.FieldTypeFloatVector).WithDim(dim)).
				WithField(entity.NewField().WithName("name").WithDataType(entity.FieldTypeVarChar).WithMaxLength(64)).
				WithField(entity.NewField().WithName("age").WithDataType(entity.FieldTypeInt64))
			err := cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(collection, schema).
				WithConsistencyLevel(entity.ClStrong))
			if err != nil {
				t.Fatalf("CreateCollection: %v", err)
			}
			has, err := cli.HasCollection(ctx, milvusclient.NewHasCollectionOption(collection))
			if err != nil || !has {
				t.Fatalf("HasCollection = %v, %v", has, err)
			}
			coll, err := cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(collection))
			if err != nil {
				t.Fatalf("DescribeCollection: %v", err)
			}
			got := map[string]*entity.Field{}
			for _, f := range coll.Schema.Fields {
				got[f.Name] = f
			}
			if len(got) != 4 {
				t.Fatalf("schema fields: %v", got)
			}
			if f := got["id"]; f == nil || f.DataType != entity.FieldTypeInt64 || !f.PrimaryKey || f.AutoID {
				t.Fatalf("id field: %+v", f)
			}
			if f := got["vector"]; f == nil || f.DataType != entity.FieldTypeFloatVector || f.TypeParams["dim"] != strconv.Itoa(dim) {
				t.Fatalf("vector field: %+v", f)
			}
			if f := got["name"]; f == nil || f.DataType != entity.FieldTypeVarChar || f.TypeParams["max_length"] != "64" {
				t.Fatalf("name field: %+v", f)
			}
			if f := got["age"]; f == nil || f.DataType != entity.FieldTypeInt64 {
				t.Fatalf("age field: %+v", f)
			}
		}},
		{"create index and load", func(t *testing.T) {
			task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(collection, "vector",
				index.NewFlatIndex(entity.L2)).WithIndexName("vector_idx"))
			if err != nil {
				t.Fatalf("CreateIndex: %v", err)
			}
			if err := task.Await(ctx); err != nil {
				t.Fatalf("CreateIndex await: %v", err)
			}
			desc, err := cli.DescribeIndex(ctx, milvusclient.NewDescribeIndexOption(collection, "vector_idx"))
			if err != nil {
				t.Fatalf("DescribeIndex: %v", err)
			}
			params := desc.Params()
			if params["metric_type"] != "L2" || params["index_type"] != "FLAT" {
				t.Fatalf("index params: %v", params)
			}
			load, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(collection))
			if err != nil {
				t.Fatalf("LoadCollection: %v", err)
			}
			if err := load.Await(ctx); err != nil {
				t.Fatalf("LoadCollection await: %v", err)
			}
			state, err := cli.GetLoadState(ctx, milvusclient.NewGetLoadStateOption(collection))
			if err != nil {
				t.Fatalf("GetLoadState: %v", err)
			}
			if state.State != entity.LoadStateLoaded {
				t.Fatalf("load state = %v", state.State)
			}
		}},
		{"insert", func(t *testing.T) {
			ids := make([]int64, rows)
			names := make([]string, rows)
			ages := make([]int64, rows)
			for i := range ids {
				ids[i] = int64(i)
				names[i] = rowName(int64(i))
				ages[i] = rowAge(int64(i))
			}
			res, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(collection).
				WithInt64Column("id", ids).
				WithFloatVectorColumn("vector", dim, vectors).
				WithVarcharColumn("name", names).
				WithInt64Column("age", ages))
			if err != nil {
				t.Fatalf("Insert: %v", err)
			}
			if res.InsertCount != rows || res.IDs == nil || res.IDs.Len() != rows {
				t.Fatalf("insert result: count %d, ids %v", res.InsertCount, res.IDs)
			}
			for i := 0; i < rows; i++ {
				if v, _ := res.IDs.GetAsInt64(i); v != int64(i) {
					t.Fatalf("insert IDs[%d] = %d", i, v)
				}
			}
			if n := count(t); n != rows {
				t.Fatalf("count(*) = %d, want %d", n, rows)
			}
		}},
		{"search with filter", func(t *testing.T) {
			const target = 77 // its own vector is the nearest, and it satisfies age > 50
			rs, err := cli.Search(ctx, milvusclient.NewSearchOption(collection, 10,
				[]entity.Vector{entity.FloatVector(vectors[target]), entity.FloatVector(vectors[10])}).
				WithANNSField("vector").
				WithFilter("age > 50").
				WithOutputFields("name", "age").
				WithConsistencyLevel(entity.ClStrong))
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			if len(rs) != 2 {
				t.Fatalf("got %d result sets for 2 queries", len(rs))
			}
			for q, r := range rs {
				if r.Err != nil {
					t.Fatalf("query %d: %v", q, r.Err)
				}
				if r.ResultCount != 10 || r.IDs.Len() != 10 || len(r.Scores) != 10 {
					t.Fatalf("query %d: %d hits, %d ids, %d scores", q, r.ResultCount, r.IDs.Len(), len(r.Scores))
				}
				ids := make([]int64, r.IDs.Len())
				for i := range ids {
					ids[i], _ = r.IDs.GetAsInt64(i)
				}
				names := stringColumn(t, r, "name")
				ages := int64Column(t, r, "age")
				seen := map[int64]bool{}
				for i, id := range ids {
					if ages[i] <= 50 {
						t.Errorf("query %d hit %d violates age > 50: age %d", q, id, ages[i])
					}
					if ages[i] != rowAge(id) || names[i] != rowName(id) {
						t.Errorf("query %d hit %d: name %q age %d", q, id, names[i], ages[i])
					}
					if seen[id] {
						t.Errorf("query %d: duplicate hit %d", q, id)
					}
					seen[id] = true
					if i > 0 && r.Scores[i] < r.Scores[i-1] {
						t.Errorf("query %d: L2 distances not ascending: %v", q, r.Scores)
					}
				}
				if q == 0 {
					if ids[0] != target {
						t.Errorf("top hit = %d, want %d (ids %v)", ids[0], target, ids)
					}
					if math.Abs(float64(r.Scores[0])) > 1e-5 {
						t.Errorf("top hit L2 distance = %v, want 0", r.Scores[0])
					}
				} else if seen[10] {
					t.Errorf("filtered-out row 10 returned: %v", ids)
				}
			}
		}},
		{"query with filter", func(t *testing.T) {
			rs, err := cli.Query(ctx, milvusclient.NewQueryOption(collection).
				WithFilter(`age >= 90 and name != "name_95"`).
				WithOutputFields("id", "name", "age").
				WithConsistencyLevel(entity.ClStrong))
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			ids := int64Column(t, rs, "id")
			names := stringColumn(t, rs, "name")
			ages := int64Column(t, rs, "age")
			type row struct {
				id, age int64
				name    string
			}
			got := make([]row, len(ids))
			for i := range ids {
				got[i] = row{ids[i], ages[i], names[i]}
			}
			sort.Slice(got, func(a, b int) bool { return got[a].id < got[b].id })
			want := []row{}
			for _, i := range []int64{90, 91, 92, 93, 94, 96, 97, 98, 99} {
				want = append(want, row{i, rowAge(i), rowName(i)})
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("query rows:\n got %v\nwant %v", got, want)
			}
		}},
		{"get by ids", func(t *testing.T) {
			rs, err := cli.Get(ctx, milvusclient.NewQueryOption(collection).
				WithIDs(column.NewColumnInt64("id", []int64{3, 42, 99})).
				WithOutputFields("id", "name", "age", "vector").
				WithConsistencyLevel(entity.ClStrong))
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			ids := int64Column(t, rs, "id")
			names := stringColumn(t, rs, "name")
			ages := int64Column(t, rs, "age")
			vcol, ok := rs.GetColumn("vector").(*column.ColumnFloatVector)
			if !ok {
				t.Fatalf("vector column: %T", rs.GetColumn("vector"))
			}
			seen := map[int64]bool{}
			for i, id := range ids {
				seen[id] = true
				if names[i] != rowName(id) || ages[i] != rowAge(id) {
					t.Errorf("row %d: name %q age %d", id, names[i], ages[i])
				}
				v := vcol.Data()[i]
				if len(v) != dim {
					t.Fatalf("row %d: vector dim %d", id, len(v))
				}
				for k := range v {
					if v[k] != vectors[id][k] {
						t.Errorf("row %d vector[%d] = %v, want %v", id, k, v[k], vectors[id][k])
					}
				}
			}
			if len(ids) != 3 || !seen[3] || !seen[42] || !seen[99] {
				t.Fatalf("get returned ids %v", ids)
			}
		}},
		{"delete by ids", func(t *testing.T) {
			res, err := cli.Delete(ctx, milvusclient.NewDeleteOption(collection).
				WithInt64IDs("id", []int64{0, 1, 2, 77, 99}))
			if err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if res.DeleteCount != 5 {
				t.Errorf("DeleteCount = %d, want 5", res.DeleteCount)
			}
			if n := count(t); n != rows-5 {
				t.Fatalf("count(*) after delete = %d, want %d", n, rows-5)
			}
			rs, err := cli.Get(ctx, milvusclient.NewQueryOption(collection).
				WithIDs(column.NewColumnInt64("id", []int64{0, 77, 99, 50})).
				WithOutputFields("id").WithConsistencyLevel(entity.ClStrong))
			if err != nil {
				t.Fatalf("Get after delete: %v", err)
			}
			if ids := int64Column(t, rs, "id"); len(ids) != 1 || ids[0] != 50 {
				t.Fatalf("get after delete returned %v, want [50]", ids)
			}
			sr, err := cli.Search(ctx, milvusclient.NewSearchOption(collection, 3,
				[]entity.Vector{entity.FloatVector(vectors[77])}).
				WithFilter("age > 50").WithConsistencyLevel(entity.ClStrong))
			if err != nil {
				t.Fatalf("Search after delete: %v", err)
			}
			if sr[0].ResultCount != 3 {
				t.Fatalf("search after delete: %d hits", sr[0].ResultCount)
			}
			for i := 0; i < sr[0].IDs.Len(); i++ {
				if id, _ := sr[0].IDs.GetAsInt64(i); id == 77 {
					t.Fatal("deleted row 77 returned by search")
				}
			}
		}},
		{"drop collection", func(t *testing.T) {
			if err := cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(collection)); err != nil {
				t.Fatalf("DropCollection: %v", err)
			}
			has, err := cli.HasCollection(ctx, milvusclient.NewHasCollectionOption(collection))
			if err != nil || has {
				t.Fatalf("HasCollection after drop = %v, %v", has, err)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.fn) {
			t.Fatalf("step %q failed; later steps depend on it", s.name)
		}
	}
}
