package redisconn

import (
	"testing"

	"github.com/hibiken/asynq"
)

func TestParse(t *testing.T) {
	tests := []struct {
		url, mode string
		ok        bool
	}{
		{"redis://127.0.0.1:6379/2", "single", true},
		{"rediss://:pw@cache:6380/0", "single", true},
		{"redis://:pw@s1:26379/0?master_name=jinhui&addr=s2:26379&addr=s3:26379", "sentinel", true},
		{"redis://n1:6379?addr=n2:6379&addr=n3:6379", "cluster", true},
		{"redis://h:port", "", false},
		{"redis://h:6379/0?bogus=1", "", false},
	}
	for _, tt := range tests {
		c, err := Parse(tt.url)
		if (err == nil) != tt.ok || (tt.ok && c.Mode != tt.mode) {
			t.Errorf("Parse(%q) = %q, %v", tt.url, c.Mode, err)
		}
	}
	c, _ := Parse("redis://:pw@s1:26379/3?master_name=jinhui&addr=s2:26379")
	f, ok := c.Asynq.(asynq.RedisFailoverClientOpt)
	if !ok || f.MasterName != "jinhui" || len(f.SentinelAddrs) != 2 || f.DB != 3 {
		t.Fatalf("sentinel asynq options: %+v", c.Asynq)
	}
}
