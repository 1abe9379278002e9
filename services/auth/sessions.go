package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"jinhui/services/access"
	"jinhui/shared/apperr"
)

func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return "sess:" + hex.EncodeToString(h[:])
}

// ownerKey is the set of a person's open session keys, so that they can
// all be ended at once (a disabled account, a volunteer who left).
func ownerKey(kind, id string) string { return "sess-of:{" + kind + ":" + id + "}" }

// statusKey caches whether a volunteer or carer is still serving.
func statusKey(kind, id string) string { return "pstat:{" + kind + ":" + id + "}" }

// statusTTL is how long a volunteer's or carer's status is cached between
// reads of the record; PersonChanged overwrites it at once on a change.
const statusTTL = 10 * time.Minute

// open stores a new session; only the token's hash is kept in Redis, and
// the person's set of sessions names it.
func (s *Service) open(ctx context.Context, p access.Principal) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth.open: %w", err)
	}
	tok := hex.EncodeToString(b)
	js, _ := json.Marshal(p)
	sk, ok := sessionKey(tok), ownerKey(p.Kind, p.ID)
	// Two slots on a Cluster: a plain pipeline, the set first so that no
	// session can exist that its owner's set does not name.
	pipe := s.Redis.Pipeline()
	pipe.SAdd(ctx, ok, sk)
	pipe.Expire(ctx, ok, s.TTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("auth.open: %w", err)
	}
	if err := s.Redis.Set(ctx, sk, js, s.TTL).Err(); err != nil {
		return "", fmt.Errorf("auth.open: %w", err)
	}
	return tok, nil
}

// Session returns the principal of a token, or Unauthorized. Every call
// re-checks the person: an organizer's account (by _id), a volunteer's or
// carer's status (a Redis read, the record by _id on a cache miss); a
// disabled or departed person's sessions all end.
func (s *Service) Session(ctx context.Context, token string) (access.Principal, error) {
	var p access.Principal
	js, err := s.Redis.Get(ctx, sessionKey(token)).Bytes()
	if errors.Is(err, redis.Nil) {
		return p, apperr.New(apperr.Unauthorized, "登录已失效, 请重新登录")
	} else if err != nil {
		return p, fmt.Errorf("auth.Session: %w", err)
	}
	if err := json.Unmarshal(js, &p); err != nil {
		return p, fmt.Errorf("auth.Session: %w", err)
	}
	if p.Kind == access.KindOrganizer {
		a, err := s.Accounts.Account(ctx, p.ID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return access.Principal{}, fmt.Errorf("auth.Session: %w", err)
		}
		if err != nil || a.Disabled {
			_ = s.EndSessions(ctx, p.Kind, p.ID)
			return access.Principal{}, apperr.New(apperr.Unauthorized, "账号已停用, 请联系管理员")
		}
		return p, nil
	}
	active, err := s.personActive(ctx, p.Kind, p.ID)
	if err != nil {
		return access.Principal{}, fmt.Errorf("auth.Session: %w", err)
	}
	if !active {
		_ = s.EndSessions(ctx, p.Kind, p.ID)
		return access.Principal{}, apperr.New(apperr.Unauthorized, "您已暂停或退出服务, 登录已失效")
	}
	return p, nil
}

// personActive reads a volunteer's or carer's status through the cache.
func (s *Service) personActive(ctx context.Context, kind, id string) (bool, error) {
	if s.PersonActive == nil {
		return true, nil
	}
	v, err := s.Redis.Get(ctx, statusKey(kind, id)).Result()
	if err == nil {
		return v == "1", nil
	} else if !errors.Is(err, redis.Nil) {
		return false, err
	}
	active, err := s.PersonActive(ctx, kind, id)
	if apperr.Is(err, apperr.NotFound) {
		active, err = false, nil
	}
	if err != nil {
		return false, err
	}
	s.Redis.Set(ctx, statusKey(kind, id), map[bool]string{true: "1", false: "0"}[active], statusTTL)
	return active, nil
}

// PersonChanged records a volunteer's or carer's new status for the
// per-request check and, when they no longer serve, ends their sessions
// at once. The registry calls it on every status change.
func (s *Service) PersonChanged(ctx context.Context, kind, id string, active bool) error {
	if err := s.Redis.Set(ctx, statusKey(kind, id), map[bool]string{true: "1", false: "0"}[active], statusTTL).Err(); err != nil {
		return fmt.Errorf("auth.PersonChanged: %w", err)
	}
	if !active {
		return s.EndSessions(ctx, kind, id)
	}
	return nil
}

// EndSessions deletes every open session of a person: they do not come
// back if the person is later re-enabled.
func (s *Service) EndSessions(ctx context.Context, kind, id string) error {
	ok := ownerKey(kind, id)
	keys, err := s.Redis.SMembers(ctx, ok).Result()
	if err != nil {
		return fmt.Errorf("auth.EndSessions: %w", err)
	}
	pipe := s.Redis.Pipeline()
	for _, k := range keys {
		pipe.Del(ctx, k)
	}
	pipe.Del(ctx, ok)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth.EndSessions: %w", err)
	}
	return nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Redis.Del(ctx, sessionKey(token)).Err()
}
