package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"jinhui/shared/apperr"
)

// Codes issues and checks one-time SMS codes that confirm a phone: the
// volunteers' and carers' login, and any public form that must know the
// phone is the caller's. Codes are kept hashed in Redis for CodeTTL, allow
// CodeMaxTries attempts, are refused again within ResendAfter and beyond
// CodesPerHour; on top, Limits bound sends per client address, per phone
// and overall, checks per address, and lock a phone's codes after
// repeated failures. All of it is shared by every API process, and a
// check reads only Redis.
type Codes struct {
	Redis  redis.UniversalClient
	SMS    SMS
	Limits Limits
	lim    limiter
}

// NewCodes returns Codes kept in r and texted through sms, with the
// default limits.
func NewCodes(r redis.UniversalClient, sms SMS) *Codes {
	return &Codes{Redis: r, SMS: sms, Limits: DefaultLimits, lim: limiter{redis_rate.NewLimiter(r)}}
}

// Allow applies a Redis-held rate limit of n per period under key, shared
// by every API process. Beyond it, it returns TooMany with the wait.
func (c *Codes) Allow(ctx context.Context, key string, n int, per time.Duration) error {
	return c.lim.take(ctx, key, n, per, "操作过于频繁")
}

// slot is the Redis name of a phone's code for a purpose. It is a hash
// tag, so a code and its tries counter live in one Redis Cluster slot and
// can be changed in one MULTI or one DEL.
func slot(purpose, phone string) string {
	return "{" + purpose + ":" + phone + "}"
}

func codeKey(purpose, phone string) string { return "otp:" + slot(purpose, phone) }

// The lock of a phone's codes and its failure budget share the hash tag
// {phone}, so that ClearLockout deletes both with one DEL on a Cluster.
func lockKey(phone string) string  { return "otp-lock:{" + phone + "}" }
func failsKey(phone string) string { return "otp-fails:{" + phone + "}" }

const msgCodeLocked = "该手机号验证码错误次数过多, 已暂停获取和验证"

// locked returns TooMany while the phone's codes are locked.
func (c *Codes) locked(ctx context.Context, phone string) error {
	ttl, err := c.Redis.PTTL(ctx, lockKey(phone)).Result()
	if err != nil {
		return fmt.Errorf("auth.locked: %w", err)
	}
	if ttl > 0 || ttl == -1 {
		if ttl < 0 {
			ttl = c.Limits.CodeLockout
		}
		return wait(msgCodeLocked+"(可请所在地组织者解除)", ttl)
	}
	return nil
}

// Throttle checks the limits of a send to a phone (E.164) for purpose and
// spends them: the client address's and the deployment's hourly sends, the
// phone's lock, its resend window and its hourly sends. It returns TooMany
// when any refuses. Callers that answer alike whether or not they then
// send (so that nobody can probe which phones are known) call it before
// deciding.
func (c *Codes) Throttle(ctx context.Context, purpose, phone string) error {
	if ip := Client(ctx); ip != "" {
		if err := c.lim.take(ctx, "otp-sends-ip:"+ip, c.Limits.CodeSendsPerAddress, time.Hour, "本网络获取验证码过于频繁"); err != nil {
			return err
		}
	}
	if err := c.locked(ctx, phone); err != nil {
		return err
	}
	ok, err := c.Redis.SetNX(ctx, "otp-resend:"+slot(purpose, phone), 1, ResendAfter).Result()
	if err != nil {
		return fmt.Errorf("auth.Throttle: %w", err)
	}
	if !ok {
		return apperr.Wait(fmt.Sprintf("验证码已发送, 请 %d 秒后再重新获取", int(ResendAfter.Seconds())), ResendAfter)
	}
	if err := c.lim.take(ctx, "otp-phone:"+slot(purpose, phone), CodesPerHour, time.Hour, "该手机号获取验证码过于频繁"); err != nil {
		return err
	}
	if err := c.lim.take(ctx, "otp-phone-all:{"+phone+"}", c.Limits.CodeSendsPerPhone, time.Hour, "该手机号获取验证码过于频繁"); err != nil {
		return err
	}
	return c.lim.take(ctx, "otp-sends-all", c.Limits.CodeSendsOverall, time.Hour, "验证码发送量已达上限")
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
// success. It reads and writes Redis only. A wrong code is an Invalid
// error on field "code" saying how many tries remain; an expired or
// missing one too; past CodeMaxTries the code is destroyed and TooMany
// returned. Checks are limited per client address, and
// Limits.CodeFailuresPerPhone wrong codes in an hour lock the phone.
func (c *Codes) Check(ctx context.Context, purpose, phone, code string) error {
	if ip := Client(ctx); ip != "" {
		if err := c.lim.take(ctx, "otp-checks-ip:"+ip, c.Limits.CodeChecksPerAddress, time.Hour, "本网络验证次数过多"); err != nil {
			return err
		}
	}
	if err := c.locked(ctx, phone); err != nil {
		return err
	}
	key := codeKey(purpose, phone)
	pipe := c.Redis.TxPipeline()
	incr := pipe.Incr(ctx, key+":tries")
	pipe.Expire(ctx, key+":tries", CodeTTL)
	get := pipe.Get(ctx, key)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("auth.Check: %w", err)
	}
	tries := incr.Val()
	want, err := get.Result()
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
		if err := c.failed(ctx, phone); err != nil {
			return err
		}
		return apperr.Field("code", fmt.Sprintf("验证码错误, 还可尝试 %d 次", CodeMaxTries-tries))
	}
	c.Redis.Del(ctx, key, key+":tries")
	return nil
}

// failed spends one of the phone's failures; the last one locks the
// phone's codes (every purpose) for Limits.CodeLockout.
func (c *Codes) failed(ctx context.Context, phone string) error {
	n := c.Limits.CodeFailuresPerPhone
	if n <= 0 {
		return nil
	}
	r, err := c.lim.l.Allow(ctx, "rl:"+failsKey(phone), redis_rate.Limit{Rate: n, Burst: n, Period: time.Hour})
	if err != nil {
		return fmt.Errorf("auth.failed: %w", err)
	}
	if r.Allowed == 0 || r.Remaining == 0 {
		if err := c.Redis.Set(ctx, lockKey(phone), 1, c.Limits.CodeLockout).Err(); err != nil {
			return fmt.Errorf("auth.failed: %w", err)
		}
		return wait(msgCodeLocked+"(可请所在地组织者解除)", c.Limits.CodeLockout)
	}
	return nil
}

// Lockout returns how long the phone's codes stay locked (0: not locked).
func (c *Codes) Lockout(ctx context.Context, phone string) (time.Duration, error) {
	ttl, err := c.Redis.PTTL(ctx, lockKey(phone)).Result()
	if err != nil {
		return 0, fmt.Errorf("auth.Lockout: %w", err)
	}
	return max(ttl, 0), nil
}

// ClearLockout lifts the lock of a phone's codes and forgets its failures.
func (c *Codes) ClearLockout(ctx context.Context, phone string) error {
	// redis_rate prefixes its keys with "rate:"; the hash tag is unchanged.
	if err := c.Redis.Del(ctx, lockKey(phone), "rate:rl:"+failsKey(phone)).Err(); err != nil {
		return fmt.Errorf("auth.ClearLockout: %w", err)
	}
	return nil
}

func hashCode(phone, code string) string {
	h := sha256.Sum256([]byte(phone + "|" + code))
	return hex.EncodeToString(h[:])
}
