package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jinhui/services/demo"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
)

// The security suite (issue 13, OWASP API Top 10): every test here
// failed on the code before the fixes.

// volunteerIn returns a county's first volunteer of the test data.
func volunteerIn(t *testing.T, h *platformtest.Harness, county string) registry.Volunteer {
	t.Helper()
	for _, x := range h.Set.Volunteers {
		if inCounty(x.Village, county) {
			return x
		}
	}
	t.Fatalf("no volunteer in %s", county)
	return registry.Volunteer{}
}

func wantTooMany(t *testing.T, what string, r platformtest.Response) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	r.JSON(t, &e)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.ContainsAny(e.Error.Message, "请秒分") {
		t.Fatalf("%s: want 429 with Retry-After and a Chinese message, got %d %q %s", what, r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}

// TestCodeGuessingLocksAndOrganizerUnlocks: ten wrong codes in an hour,
// across codes, lock a phone (finding 1); the right code is then refused
// too; an organizer of the person's county lifts the lock (audited), a
// sibling county cannot; the code check costs no database command.
func TestCodeGuessingLocksAndOrganizerUnlocks(t *testing.T) {
	h := platformtest.New(t)
	ctx := context.Background()
	vol := volunteerIn(t, h, countyA)
	wrongs := 0
	for round := 0; wrongs < 10 && round < 3; round++ {
		h.P.Redis.Del(ctx, "otp-resend:{login:"+vol.Phone+"}") // the 60 s resend window, not under test
		if r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": vol.Phone}); r.Status != 200 {
			t.Fatalf("code: %d %s", r.Status, r.Body)
		}
		code := h.LastCode(vol.Phone)
		wrong := map[bool]string{true: "000000", false: "111111"}[code != "000000"]
		for i := 0; i < 5 && wrongs < 10; i++ {
			r := h.Do("POST", "/api/auth/verify", "", map[string]string{"phone": vol.Phone, "code": wrong})
			wrongs++
			if wrongs == 10 {
				wantTooMany(t, "tenth wrong code", r)
			} else if r.Status != 400 {
				t.Fatalf("wrong code %d: %d %s", wrongs, r.Status, r.Body)
			}
		}
	}
	h.P.Redis.Del(ctx, "otp-resend:{login:"+vol.Phone+"}")
	wantTooMany(t, "code for a locked phone", h.Do("POST", "/api/auth/code", "", map[string]string{"phone": vol.Phone}))

	path := "/api/volunteers/" + vol.ID + "/unlock-codes"
	if r := h.Do("POST", path, h.Login("linxian"), nil); r.Status != 404 {
		t.Fatalf("sibling county unlocks: %d %s", r.Status, r.Body)
	}
	r := h.Do("POST", path, h.Login("szq"), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "已解除") {
		t.Fatalf("unlock: %d %s", r.Status, r.Body)
	}
	audit := h.Do("GET", "/api/audit", h.Login("szqadmin"), nil)
	if !strings.Contains(string(audit.Body), "unlock_codes") {
		t.Fatalf("unlock not audited: %s", audit.Body)
	}
	if tok := h.PhoneLogin(vol.Phone, "volunteer"); tok == "" {
		t.Fatal("no session after unlock")
	}
}

// TestCodeSendsLimitedPerAddress: one address gets at most 20 codes an
// hour whatever the phones (finding 1: 40 of 40 were sent before).
func TestCodeSendsLimitedPerAddress(t *testing.T) {
	h := platformtest.New(t)
	sent, refused := 0, platformtest.Response{}
	for i := 0; i < 30; i++ {
		r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": fmt.Sprintf("1390000%04d", i)})
		if r.Status == 200 {
			sent++
		} else {
			refused = r
			break
		}
	}
	if sent != 20 {
		t.Fatalf("one address got %d codes, want 20", sent)
	}
	wantTooMany(t, "21st code from one address", refused)
	// The public applicant form shares the limit.
	wantTooMany(t, "applicant code from the same address", h.Do("POST", "/api/public/code", "", map[string]any{"phone": "13900009999", "purpose": "status"}))
}

// TestPasswordGuessing: spraying usernames from one address is stopped
// (finding 8), a username's consecutive failures make it wait, and the
// tenth raises an alert the county's admin sees.
func TestPasswordGuessing(t *testing.T) {
	h := platformtest.New(t)
	login := func(user, pw string) platformtest.Response {
		return h.Do("POST", "/api/auth/login", "", map[string]string{"username": user, "password": pw})
	}
	for i := 1; i <= 3; i++ {
		if r := login("szqdudao", "wrong-password"); r.Status != 401 {
			t.Fatalf("failure %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := login("szqdudao", "wrong-password"); r.Status != 401 {
		t.Fatalf("fourth failure: %d %s", r.Status, r.Body)
	}
	wantTooMany(t, "fifth try right after the fourth failure", login("szqdudao", "wrong-password"))

	// Ten consecutive failures alert the admins over the account.
	ctx := context.Background()
	h.P.Redis.Set(ctx, "login:{szq}:fails", 9, 0)
	if r := login("szq", "wrong-password"); r.Status != 401 {
		t.Fatalf("tenth failure: %d %s", r.Status, r.Body)
	}
	a := h.Do("GET", "/api/audit", h.Login("szqadmin"), nil)
	if !strings.Contains(string(a.Body), "login_alert") || !strings.Contains(string(a.Body), "连续 10 次密码错误") {
		t.Fatalf("no alert for the county admin: %s", a.Body)
	}

	// Spraying: 20 failed logins from one address (5 above), then every
	// login from it waits, unknown usernames and right passwords included.
	failed := 5
	var r platformtest.Response
	for i := 0; i < 30; i++ {
		if r = login(fmt.Sprintf("nobody%02d", i), "x"); r.Status != 401 {
			break
		}
		failed++
	}
	if failed != 20 {
		t.Fatalf("%d failed logins from one address before the refusal, want 20", failed)
	}
	wantTooMany(t, "login after 20 failures from one address", r)
	wantTooMany(t, "right password from the same address", h.Do("POST", "/api/auth/login", "", map[string]string{"username": "zjc", "password": demo.Password}))
}
