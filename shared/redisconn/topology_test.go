package redisconn_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"jinhui/services/auth"
	"jinhui/shared/redisconn"
	"jinhui/shared/testenv"
)

// freePort returns a port free now whose cluster bus port (+10000) is
// free too.
func freePort(t *testing.T) int {
	t.Helper()
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if p+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			continue
		}
		bus.Close()
		return p
	}
	t.Fatal("no free port pair")
	return 0
}

// redisServer starts the machine's redis-server with args in a temp dir
// and stops it when the test ends; it skips the test without one.
func redisServer(t *testing.T, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed: the Redis Cluster and Sentinel test needs it (apt-get install redis-server)")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
}

func answers(addr string) bool {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	return c.Ping(context.Background()).Err() == nil
}

// startCluster starts a 3-node Redis Cluster (no replicas) and returns
// its REDIS_URL.
func startCluster(t *testing.T) string {
	var addrs []string
	for range 3 {
		p := freePort(t)
		redisServer(t, "--port", strconv.Itoa(p), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--save", "", "--appendonly", "no")
		addrs = append(addrs, "127.0.0.1:"+strconv.Itoa(p))
	}
	for _, a := range addrs {
		testenv.WaitFor(t, 10*time.Second, "cluster node "+a+" answers", func() bool { return answers(a) })
	}
	out, err := exec.Command("redis-cli", append([]string{"--cluster", "create"}, append(addrs, "--cluster-replicas", "0", "--cluster-yes")...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, a := range addrs {
		testenv.WaitFor(t, 20*time.Second, "cluster state ok at "+a, func() bool {
			c := redis.NewClient(&redis.Options{Addr: a})
			defer c.Close()
			info, err := c.ClusterInfo(context.Background()).Result()
			return err == nil && strings.Contains(info, "cluster_state:ok")
		})
	}
	return "redis://" + addrs[0] + "?addr=" + addrs[1] + "&addr=" + addrs[2]
}

// startSentinel starts a master and one Sentinel watching it and returns
// the REDIS_URL through the Sentinel.
func startSentinel(t *testing.T) string {
	mp, sp := freePort(t), freePort(t)
	redisServer(t, "--port", strconv.Itoa(mp), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, "port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor jinhui 127.0.0.1 %d 1\n", sp, dir, mp), 0o600); err != nil {
		t.Fatal(err)
	}
	redisServer(t, conf, "--sentinel")
	testenv.WaitFor(t, 10*time.Second, "the sentinel knows the master", func() bool {
		c := redis.NewSentinelClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(sp)})
		defer c.Close()
		a, err := c.GetMasterAddrByName(context.Background(), "jinhui").Result()
		return err == nil && len(a) == 2 && a[1] == strconv.Itoa(mp) && answers("127.0.0.1:"+a[1])
	})
	return "redis://127.0.0.1:" + strconv.Itoa(sp) + "/0?master_name=jinhui"
}

type texts struct {
	mu   sync.Mutex
	last map[string]string
}

func (s *texts) Send(_ context.Context, _, to, _, body string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last[to] = body
	return nil
}

var sixDigits = regexp.MustCompile(`\d{6}`)

// TestTopologies: on a 3-node Redis Cluster and on Sentinel, each started
// here from the machine's redis-server, a volunteer's code login works
// (the code and its tries in one MULTI, their DEL, the lockout's DEL:
// every multi-key command stays in one hash slot, or Cluster answers
// CROSSSLOT), and a task goes through the asynq queue, deduplicated by
// its TaskID as the scheduler's periods are.
func TestTopologies(t *testing.T) {
	for _, tt := range []struct {
		name  string
		start func(*testing.T) string
		mode  string
	}{
		{"Cluster", startCluster, "cluster"},
		{"Sentinel", startSentinel, "sentinel"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.start(t)
			rc, err := redisconn.Parse(url)
			if err != nil || rc.Mode != tt.mode {
				t.Fatalf("Parse(%s) = %s, %v", url, rc.Mode, err)
			}
			client := rc.Client()
			defer client.Close()
			codeLogin(t, client)
			taskRoundTrip(t, rc)
		})
	}
}

func codeLogin(t *testing.T, client redis.UniversalClient) {
	ctx := context.Background()
	sms := &texts{last: map[string]string{}}
	codes := auth.NewCodes(client, sms)
	phone := "+8613800000001"
	if err := codes.Issue(ctx, auth.PurposeLogin, phone, "您的验证码 %s"); err != nil {
		t.Fatalf("request a code: %v", err)
	}
	code := sixDigits.FindString(sms.last[phone])
	if err := codes.Check(ctx, auth.PurposeLogin, phone, "000000"); err == nil && code != "000000" {
		t.Fatal("a wrong code was accepted")
	}
	if err := codes.Check(ctx, auth.PurposeLogin, phone, code); err != nil {
		t.Fatalf("verify the code: %v", err)
	}
	if err := codes.Check(ctx, auth.PurposeLogin, phone, code); err == nil {
		t.Fatal("a used code was accepted again")
	}
	if err := codes.ClearLockout(ctx, phone); err != nil {
		t.Fatalf("clear the lockout: %v", err)
	}
}

func taskRoundTrip(t *testing.T, rc redisconn.Conn) {
	ctx := context.Background()
	done := make(chan string, 4)
	// An idle worker looks for tasks every 10 ms, not once a second.
	srv := asynq.NewServer(rc.Asynq, asynq.Config{Concurrency: 2, Queues: map[string]int{"critical": 1}, LogLevel: asynq.FatalLevel, TaskCheckInterval: 10 * time.Millisecond})
	mux := asynq.NewServeMux()
	mux.HandleFunc("test:ping", func(_ context.Context, t *asynq.Task) error {
		done <- string(t.Payload())
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	q := asynq.NewClient(rc.Asynq)
	defer q.Close()
	task := asynq.NewTask("test:ping", []byte("pong"), asynq.Queue("critical"), asynq.TaskID("cron:test:ping:1"), asynq.Retention(time.Hour))
	if _, err := q.EnqueueContext(ctx, task); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	select {
	case got := <-done:
		if got != "pong" {
			t.Fatalf("payload %q", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the task did not run")
	}
	if _, err := q.EnqueueContext(ctx, task); err == nil {
		t.Fatal("the same period's task was enqueued twice")
	}
}
