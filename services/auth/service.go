package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/go-redis/redis_rate/v10"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/pii"
)

// Limits of the one-time code login.
const (
	CodeTTL      = 5 * time.Minute
	CodeMaxTries = 5
	ResendAfter  = 60 * time.Second
)

// Service authenticates callers. Sessions, codes and rate limits live in
// Redis, so any number of API processes share them.
type Service struct {
	Accounts AccountStore
	People   People
	Redis    redis.UniversalClient
	SMS      SMS
	TTL      time.Duration
	limiter  *redis_rate.Limiter
}

// NewService returns a Service with sessions lasting ttl.
func NewService(a AccountStore, p People, r redis.UniversalClient, sms SMS, ttl time.Duration) *Service {
	return &Service{Accounts: a, People: p, Redis: r, SMS: sms, TTL: ttl, limiter: redis_rate.NewLimiter(r)}
}

// HashPassword hashes a password with argon2id's recommended parameters.
func HashPassword(pw string) (string, error) {
	return argon2id.CreateHash(pw, argon2id.DefaultParams)
}

var errLogin = apperr.New(apperr.Unauthorized, "用户名或密码错误")

// Login checks an organizer's password and opens a session. Attempts are
// limited per username (10 a minute) to slow guessing.
func (s *Service) Login(ctx context.Context, username, password string) (string, Principal, error) {
	if err := s.allow(ctx, "login:"+strings.ToLower(username), redis_rate.PerMinute(10)); err != nil {
		return "", Principal{}, err
	}
	a, err := s.Accounts.AccountByUsername(ctx, username)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			_, _ = argon2id.ComparePasswordAndHash(password, dummyHash) // same time either way
			return "", Principal{}, errLogin
		}
		return "", Principal{}, fmt.Errorf("auth.Login: %w", err)
	}
	ok, err := argon2id.ComparePasswordAndHash(password, a.PasswordHash)
	if err != nil || !ok || a.Disabled {
		return "", Principal{}, errLogin
	}
	p := Principal{Kind: KindOrganizer, ID: a.ID, Name: a.Name, Role: a.Role, Region: a.Region, Level: int(area.LevelOf(a.Region))}
	tok, err := s.open(ctx, p)
	return tok, p, err
}

var dummyHash, _ = argon2id.CreateHash("jinhui-dummy", argon2id.DefaultParams)

// allow applies a Redis-held rate limit shared by every API process.
func (s *Service) allow(ctx context.Context, key string, l redis_rate.Limit) error {
	r, err := s.limiter.Allow(ctx, "rl:"+key, l)
	if err != nil {
		return fmt.Errorf("auth.allow: %w", err)
	}
	if r.Allowed == 0 {
		return apperr.Errorf(apperr.TooMany, "操作过于频繁, 请 %d 秒后再试", int(r.RetryAfter.Seconds())+1)
	}
	return nil
}

func codeKey(phone string) string { return "otp:" + phone }

// RequestCode sends a one-time login code to a registered volunteer's or
// carer's phone. The answer is the same whether or not the phone is
// registered; a new code is refused within ResendAfter of the last one.
func (s *Service) RequestCode(ctx context.Context, phone string) error {
	ph, err := pii.NormalizePhone(phone)
	if err != nil {
		return apperr.Field("phone", err.Error())
	}
	ok, err := s.Redis.SetNX(ctx, "otp-resend:"+ph, 1, ResendAfter).Result()
	if err != nil {
		return fmt.Errorf("auth.RequestCode: %w", err)
	}
	if !ok {
		return apperr.Errorf(apperr.TooMany, "验证码已发送, 请 %d 秒后再重新获取", int(ResendAfter.Seconds()))
	}
	if err := s.allow(ctx, "otp-phone:"+ph, redis_rate.PerHour(10)); err != nil {
		return err
	}
	people, err := s.People.ByPhone(ctx, ph)
	if err != nil {
		return fmt.Errorf("auth.RequestCode: %w", err)
	}
	if len(people) == 0 {
		return nil
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return fmt.Errorf("auth.RequestCode: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	pipe := s.Redis.TxPipeline()
	pipe.Set(ctx, codeKey(ph), hashCode(ph, code), CodeTTL)
	pipe.Del(ctx, codeKey(ph)+":tries")
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth.RequestCode: %w", err)
	}
	body := fmt.Sprintf("【金晖助老】您的登录验证码是 %s, %d 分钟内有效。如非本人操作请忽略。", code, int(CodeTTL.Minutes()))
	if err := s.SMS.Send(ctx, "otp:"+uuid.NewString(), ph, "otp", body); err != nil {
		return fmt.Errorf("auth.RequestCode: %w", err)
	}
	return nil
}

func hashCode(phone, code string) string {
	h := sha256.Sum256([]byte(phone + "|" + code))
	return hex.EncodeToString(h[:])
}

// VerifyCode checks a one-time code and opens a session. A code allows at
// most CodeMaxTries attempts and is used up by a success. When a phone is
// both a volunteer's and a carer's, kind chooses (volunteer by default).
func (s *Service) VerifyCode(ctx context.Context, phone, code, kind string) (string, Principal, error) {
	ph, err := pii.NormalizePhone(phone)
	if err != nil {
		return "", Principal{}, apperr.Field("phone", err.Error())
	}
	tries, err := s.Redis.Incr(ctx, codeKey(ph)+":tries").Result()
	if err != nil {
		return "", Principal{}, fmt.Errorf("auth.VerifyCode: %w", err)
	}
	s.Redis.Expire(ctx, codeKey(ph)+":tries", CodeTTL)
	want, err := s.Redis.Get(ctx, codeKey(ph)).Result()
	if errors.Is(err, redis.Nil) {
		return "", Principal{}, apperr.Field("code", "验证码已过期或未获取, 请重新获取")
	} else if err != nil {
		return "", Principal{}, fmt.Errorf("auth.VerifyCode: %w", err)
	}
	if tries > CodeMaxTries {
		s.Redis.Del(ctx, codeKey(ph))
		return "", Principal{}, apperr.New(apperr.TooMany, "验证码错误次数过多, 请重新获取")
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(hashCode(ph, strings.TrimSpace(code)))) != 1 {
		return "", Principal{}, apperr.Field("code", fmt.Sprintf("验证码错误, 还可尝试 %d 次", CodeMaxTries-tries))
	}
	s.Redis.Del(ctx, codeKey(ph), codeKey(ph)+":tries")
	people, err := s.People.ByPhone(ctx, ph)
	if err != nil {
		return "", Principal{}, fmt.Errorf("auth.VerifyCode: %w", err)
	}
	var chosen *Person
	for i := range people {
		if people[i].Active && (kind == "" || people[i].Kind == kind) {
			chosen = &people[i]
			break
		}
	}
	if chosen == nil {
		return "", Principal{}, apperr.New(apperr.Unauthorized, "该手机号没有有效的志愿者或护理员身份")
	}
	p := Principal{Kind: chosen.Kind, ID: chosen.ID, Name: chosen.Name}
	tok, err := s.open(ctx, p)
	return tok, p, err
}

func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return "sess:" + hex.EncodeToString(h[:])
}

// open stores a new session; only the token's hash is kept in Redis.
func (s *Service) open(ctx context.Context, p Principal) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth.open: %w", err)
	}
	tok := hex.EncodeToString(b)
	js, _ := json.Marshal(p)
	if err := s.Redis.Set(ctx, sessionKey(tok), js, s.TTL).Err(); err != nil {
		return "", fmt.Errorf("auth.open: %w", err)
	}
	return tok, nil
}

// Session returns the principal of a token, or Unauthorized.
func (s *Service) Session(ctx context.Context, token string) (Principal, error) {
	var p Principal
	js, err := s.Redis.Get(ctx, sessionKey(token)).Bytes()
	if errors.Is(err, redis.Nil) {
		return p, apperr.New(apperr.Unauthorized, "登录已失效, 请重新登录")
	} else if err != nil {
		return p, fmt.Errorf("auth.Session: %w", err)
	}
	if err := json.Unmarshal(js, &p); err != nil {
		return p, fmt.Errorf("auth.Session: %w", err)
	}
	return p, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Redis.Del(ctx, sessionKey(token)).Err()
}
