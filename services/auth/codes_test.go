package auth_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"jinhui/services/auth"
	"jinhui/shared/apperr"
)

type lastSMS struct{ to, body string }

func (l *lastSMS) Send(_ context.Context, _, to, _, body string) error {
	l.to, l.body = to, body
	return nil
}

var sixDigits = regexp.MustCompile(`\d{6}`)

// TestCodes shows the one-time codes shared by login and the public form:
// a code passes only for its own purpose, once; wrong tries are counted;
// a resend within the window is refused.
func TestCodes(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	sms := &lastSMS{}
	c := auth.NewCodes(rdb, sms)
	ctx := context.Background()
	const phone = "+8613700000001"

	if err := c.Issue(ctx, "apply", phone, "验证码 %s"); err != nil {
		t.Fatal(err)
	}
	code := sixDigits.FindString(sms.body)
	if sms.to != phone || code == "" {
		t.Fatalf("sms %+v", sms)
	}
	if err := c.Issue(ctx, "apply", phone, "验证码 %s"); !apperr.Is(err, apperr.TooMany) {
		t.Fatalf("resend within the window: %v", err)
	}
	if err := c.Check(ctx, auth.PurposeLogin, phone, code); err == nil {
		t.Fatal("an apply code passed the login check")
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if err := c.Check(ctx, "apply", phone, wrong); apperr.As(err) == nil || apperr.As(err).Field != "code" {
		t.Fatalf("wrong code: %v", err)
	}
	if err := c.Check(ctx, "apply", phone, code); err != nil {
		t.Fatalf("right code: %v", err)
	}
	if err := c.Check(ctx, "apply", phone, code); err == nil {
		t.Fatal("a code passed twice")
	}
	for i := 0; i < 3; i++ {
		if err := c.Allow(ctx, "test", 2, 60e9); (err == nil) != (i < 2) {
			t.Fatalf("allow %d: %v", i, err)
		}
	}
}
