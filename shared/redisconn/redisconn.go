// Package redisconn turns REDIS_URL into a go-redis client and the
// matching asynq connection, for a single server, Redis Sentinel or Redis
// Cluster — scale comes from Redis's own high-availability modes.
//
//	redis://[user:pass@]host:6379/0                          one server
//	redis://[:pass@]sentinel1:26379/0?master_name=mymaster&addr=sentinel2:26379   Sentinel
//	redis://[:pass@]node1:6379?addr=node2:6379&addr=node3:6379                    Cluster
//
// rediss:// instead of redis:// turns on TLS in every mode.
package redisconn

import (
	"fmt"
	"net/url"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Conn is a parsed REDIS_URL.
type Conn struct {
	Mode  string // "single", "sentinel" or "cluster"
	Asynq asynq.RedisConnOpt
	make  func() redis.UniversalClient
}

// Client returns a new go-redis client for the URL.
func (c Conn) Client() redis.UniversalClient { return c.make() }

// Parse reads a REDIS_URL.
func Parse(raw string) (Conn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Conn{}, fmt.Errorf("redisconn.Parse: %w", err)
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return Conn{}, fmt.Errorf("redisconn.Parse sentinel: %w", err)
		}
		return Conn{Mode: "sentinel", make: func() redis.UniversalClient { return redis.NewFailoverClient(o) },
			Asynq: asynq.RedisFailoverClientOpt{MasterName: o.MasterName, SentinelAddrs: o.SentinelAddrs, SentinelPassword: o.SentinelPassword,
				Username: o.Username, Password: o.Password, DB: o.DB, TLSConfig: o.TLSConfig}}, nil
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(raw)
		if err != nil {
			return Conn{}, fmt.Errorf("redisconn.Parse cluster: %w", err)
		}
		return Conn{Mode: "cluster", make: func() redis.UniversalClient { return redis.NewClusterClient(o) },
			Asynq: asynq.RedisClusterClientOpt{Addrs: o.Addrs, Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig}}, nil
	}
	o, err := redis.ParseURL(raw)
	if err != nil {
		return Conn{}, fmt.Errorf("redisconn.Parse: %w", err)
	}
	return Conn{Mode: "single", make: func() redis.UniversalClient { return redis.NewClient(o) },
		Asynq: asynq.RedisClientOpt{Addr: o.Addr, Username: o.Username, Password: o.Password, DB: o.DB, TLSConfig: o.TLSConfig}}, nil
}
