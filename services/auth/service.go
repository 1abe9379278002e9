package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/shared/apperr"
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
	// Limits bound logins and codes (Codes.Limits is the same value).
	Limits Limits
	// Audit records lifted code locks and login alerts; nil records nothing.
	Audit audit.Recorder
	// PersonActive reads whether a volunteer or carer is still serving
	// (by _id); every request of theirs re-checks it through a Redis cache
	// that PersonChanged keeps current. Nil skips the check.
	PersonActive func(ctx context.Context, kind, id string) (bool, error)

	hashing *hashGate
}

// NewService returns a Service with sessions lasting ttl and the default
// limits.
func NewService(a AccountStore, p People, r redis.UniversalClient, sms SMS, ttl time.Duration) *Service {
	s := &Service{Accounts: a, People: p, Redis: r, SMS: sms, TTL: ttl, Codes: NewCodes(r, sms)}
	s.SetLimits(DefaultLimits)
	return s
}

// SetLimits replaces the limits of logins and codes. Call it before the
// service is used.
func (s *Service) SetLimits(l Limits) {
	s.Limits, s.Codes.Limits = l, l
	s.hashing = newHashGate(l.Hashing, l.HashWait)
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
	// The record was just read: refresh the cached status (a volunteer
	// re-accepted through recruitment comes back without a status change).
	if err := s.PersonChanged(ctx, chosen.Kind, chosen.ID, true); err != nil {
		return "", access.Principal{}, fmt.Errorf("auth.VerifyCode: %w", err)
	}
	p := access.Principal{Kind: chosen.Kind, ID: chosen.ID, Name: chosen.Name}
	tok, err := s.open(ctx, p)
	return tok, p, err
}
