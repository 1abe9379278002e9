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
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/go-redis/redis_rate/v10"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/pii"
)

// Limits of the one-time codes.
const (
	CodeTTL      = 5 * time.Minute
	CodeMaxTries = 5
	ResendAfter  = 60 * time.Second
	// CodesPerHour is how many codes one phone may be sent in an hour, for
	// each purpose.
	CodesPerHour = 10
)

// Purposes of one-time codes; a code issued for one purpose never
// passes the check of another.
const (
	PurposeLogin = "login"
)

// Service authenticates callers. Sessions, codes and rate limits live in
// Redis, so any number of API processes share them.
type Service struct {
	Accounts AccountStore
	People   People
	Redis    redis.UniversalClient
	SMS      SMS
	TTL      time.Duration
	Codes    *Codes
}

// NewService returns a Service with sessions lasting ttl.
func NewService(a AccountStore, p People, r redis.UniversalClient, sms SMS, ttl time.Duration) *Service {
	return &Service{Accounts: a, People: p, Redis: r, SMS: sms, TTL: ttl, Codes: NewCodes(r, sms)}
}

// HashPassword hashes a password with argon2id's recommended parameters.
func HashPassword(pw string) (string, error) {
	return argon2id.CreateHash(pw, argon2id.DefaultParams)
}

var errLogin = apperr.New(apperr.Unauthorized, "用户名或密码错误")

// Login checks an organizer's password and opens a session. Attempts are
// limited per username (10 a minute) to slow guessing.
func (s *Service) Login(ctx context.Context, username, password string) (string, access.Principal, error) {
	if err := s.Codes.Allow(ctx, "login:"+strings.ToLower(username), 10, time.Minute); err != nil {
		return "", access.Principal{}, err
	}
	a, err := s.Accounts.AccountByUsername(ctx, username)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			_, _ = argon2id.ComparePasswordAndHash(password, dummyHash()) // same time either way
			return "", access.Principal{}, errLogin
		}
		return "", access.Principal{}, fmt.Errorf("auth.Login: %w", err)
	}
	ok, err := argon2id.ComparePasswordAndHash(password, a.PasswordHash)
	if err != nil || !ok || a.Disabled {
		return "", access.Principal{}, errLogin
	}
	p := access.Principal{Kind: access.KindOrganizer, ID: a.ID, Name: a.Name, Role: a.Role, Region: a.Region, Level: int(area.LevelOf(a.Region))}
	tok, err := s.open(ctx, p)
	return tok, p, err
}

// dummyHash is computed on the first unknown username, not at start: every
// binary and test that imports auth would otherwise pay a 64 MiB hash.
var dummyHash = sync.OnceValue(func() string {
	h, _ := argon2id.CreateHash("jinhui-dummy", argon2id.DefaultParams)
	return h
})

// Codes issues and checks one-time SMS codes that confirm a phone: the
// volunteers' and carers' login, and any public form that must know the
// phone is the caller's. Codes are kept hashed in Redis for CodeTTL, allow
// CodeMaxTries attempts, are refused again within ResendAfter and beyond
// CodesPerHour; all of it is shared by every API process.
type Codes struct {
	Redis   redis.UniversalClient
	SMS     SMS
	limiter *redis_rate.Limiter
}

// NewCodes returns Codes kept in r and texted through sms.
func NewCodes(r redis.UniversalClient, sms SMS) *Codes {
	return &Codes{Redis: r, SMS: sms, limiter: redis_rate.NewLimiter(r)}
}

// Allow applies a Redis-held rate limit of n per period under key, shared
// by every API process. Beyond it, it returns TooMany with the wait.
func (c *Codes) Allow(ctx context.Context, key string, n int, per time.Duration) error {
	r, err := c.limiter.Allow(ctx, "rl:"+key, redis_rate.Limit{Rate: n, Burst: n, Period: per})
	if err != nil {
		return fmt.Errorf("auth.Allow: %w", err)
	}
	if r.Allowed == 0 {
		return apperr.Errorf(apperr.TooMany, "操作过于频繁, 请 %d 秒后再试", int(r.RetryAfter.Seconds())+1)
	}
	return nil
}

// slot is the Redis name of a phone's code for a purpose. It is a hash
// tag, so a code and its tries counter live in one Redis Cluster slot and
// can be changed in one MULTI or one DEL.
func slot(purpose, phone string) string {
	return "{" + purpose + ":" + phone + "}"
}

func codeKey(purpose, phone string) string { return "otp:" + slot(purpose, phone) }

// Throttle claims the resend window of a phone (E.164) for purpose and
// counts the send against the hourly limit; it returns TooMany when either
// refuses. Callers that answer alike whether or not they then send (so
// that nobody can probe which phones are known) call it before deciding.
func (c *Codes) Throttle(ctx context.Context, purpose, phone string) error {
	ok, err := c.Redis.SetNX(ctx, "otp-resend:"+slot(purpose, phone), 1, ResendAfter).Result()
	if err != nil {
		return fmt.Errorf("auth.Throttle: %w", err)
	}
	if !ok {
		return apperr.Errorf(apperr.TooMany, "验证码已发送, 请 %d 秒后再重新获取", int(ResendAfter.Seconds()))
	}
	return c.Allow(ctx, "otp-phone:"+slot(purpose, phone), CodesPerHour, time.Hour)
}

// Send makes a new code for purpose, replacing any earlier one, and texts
// it to phone (E.164) with format, whose one %s is the code. Call it
// after Throttle.
func (c *Codes) Send(ctx context.Context, purpose, phone, format string) error {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return fmt.Errorf("auth.Send: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	key := codeKey(purpose, phone)
	pipe := c.Redis.TxPipeline()
	pipe.Set(ctx, key, hashCode(phone, code), CodeTTL)
	pipe.Del(ctx, key+":tries")
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth.Send: %w", err)
	}
	msgKey := "otp:" + uuid.NewString()
	if purpose != PurposeLogin {
		msgKey = "otp-" + purpose + ":" + uuid.NewString()
	}
	if err := c.SMS.Send(ctx, msgKey, phone, "otp", fmt.Sprintf(format, code)); err != nil {
		return fmt.Errorf("auth.Send: %w", err)
	}
	return nil
}

// Issue throttles and sends a code: Throttle, then Send.
func (c *Codes) Issue(ctx context.Context, purpose, phone, format string) error {
	if err := c.Throttle(ctx, purpose, phone); err != nil {
		return err
	}
	return c.Send(ctx, purpose, phone, format)
}

// Check verifies a code for purpose and phone (E.164) and uses it up on
// success. A wrong code is an Invalid error on field "code" saying how many
// tries remain; an expired or missing one too; past CodeMaxTries the code
// is destroyed and TooMany returned.
func (c *Codes) Check(ctx context.Context, purpose, phone, code string) error {
	key := codeKey(purpose, phone)
	tries, err := c.Redis.Incr(ctx, key+":tries").Result()
	if err != nil {
		return fmt.Errorf("auth.Check: %w", err)
	}
	c.Redis.Expire(ctx, key+":tries", CodeTTL)
	want, err := c.Redis.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return apperr.Field("code", "验证码已过期或未获取, 请重新获取")
	} else if err != nil {
		return fmt.Errorf("auth.Check: %w", err)
	}
	if tries > CodeMaxTries {
		c.Redis.Del(ctx, key)
		return apperr.New(apperr.TooMany, "验证码错误次数过多, 请重新获取")
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(hashCode(phone, strings.TrimSpace(code)))) != 1 {
		return apperr.Field("code", fmt.Sprintf("验证码错误, 还可尝试 %d 次", CodeMaxTries-tries))
	}
	c.Redis.Del(ctx, key, key+":tries")
	return nil
}

// RequestCode sends a one-time login code to a registered volunteer's or
// carer's phone. The answer is the same whether or not the phone is
// registered; a new code is refused within ResendAfter of the last one.
func (s *Service) RequestCode(ctx context.Context, phone string) error {
	ph, err := pii.NormalizePhone(phone)
	if err != nil {
		return apperr.Field("phone", err.Error())
	}
	if err := s.Codes.Throttle(ctx, PurposeLogin, ph); err != nil {
		return err
	}
	people, err := s.People.ByPhone(ctx, ph)
	if err != nil {
		return fmt.Errorf("auth.RequestCode: %w", err)
	}
	if len(people) == 0 {
		return nil
	}
	format := fmt.Sprintf("【金晖助老】您的登录验证码是 %%s, %d 分钟内有效。如非本人操作请忽略。", int(CodeTTL.Minutes()))
	if err := s.Codes.Send(ctx, PurposeLogin, ph, format); err != nil {
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
func (s *Service) VerifyCode(ctx context.Context, phone, code, kind string) (string, access.Principal, error) {
	ph, err := pii.NormalizePhone(phone)
	if err != nil {
		return "", access.Principal{}, apperr.Field("phone", err.Error())
	}
	if err := s.Codes.Check(ctx, PurposeLogin, ph, code); err != nil {
		return "", access.Principal{}, err
	}
	people, err := s.People.ByPhone(ctx, ph)
	if err != nil {
		return "", access.Principal{}, fmt.Errorf("auth.VerifyCode: %w", err)
	}
	var chosen *Person
	for i := range people {
		if people[i].Active && (kind == "" || people[i].Kind == kind) {
			chosen = &people[i]
			break
		}
	}
	if chosen == nil {
		return "", access.Principal{}, apperr.New(apperr.Unauthorized, "该手机号没有有效的志愿者或护理员身份")
	}
	p := access.Principal{Kind: chosen.Kind, ID: chosen.ID, Name: chosen.Name}
	tok, err := s.open(ctx, p)
	return tok, p, err
}

func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return "sess:" + hex.EncodeToString(h[:])
}

// open stores a new session; only the token's hash is kept in Redis.
func (s *Service) open(ctx context.Context, p access.Principal) (string, error) {
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
		// A disabled account loses its open sessions at once.
		a, err := s.Accounts.Account(ctx, p.ID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return access.Principal{}, fmt.Errorf("auth.Session: %w", err)
		}
		if err != nil || a.Disabled {
			s.Redis.Del(ctx, sessionKey(token))
			return access.Principal{}, apperr.New(apperr.Unauthorized, "账号已停用, 请联系管理员")
		}
	}
	return p, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Redis.Del(ctx, sessionKey(token)).Err()
}
