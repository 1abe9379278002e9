package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
)

// TestMyMessagesAndSMS: a volunteer lists the texts sent to them, newest
// first, login codes hidden, and nobody else's; they can opt out and back
// in; the login-code answer says how to get codes again after 退订, the
// same for every number (it tells a stranger nothing).
func TestMyMessagesAndSMS(t *testing.T) {
	h := platformtest.New(t)
	me, other := h.Set.Volunteers[0], h.Set.Volunteers[1]
	tok := h.PhoneLogin(me.Phone, "volunteer")
	h.PhoneLogin(other.Phone, "volunteer")

	var list struct {
		Items []struct{ To, Kind, Body string }
		Total int
	}
	r := h.Do("GET", "/api/me/messages?limit=10", tok, nil)
	r.JSON(t, &list)
	if r.Status != 200 || list.Total != 1 || len(list.Items) != 1 || list.Items[0].Kind != "otp" {
		t.Fatalf("my messages: %d %s", r.Status, r.Body)
	}
	if it := list.Items[0]; strings.Contains(it.Body, h.LastCode(me.Phone)) || !strings.Contains(it.To, "*") {
		t.Fatalf("my login code shown in the list, or the number unmasked: %+v", it)
	}
	if r := h.Do("GET", "/api/me/messages?limit=1000", tok, nil); r.Status != 400 {
		t.Fatalf("unpaged list: %d", r.Status)
	}
	if r := h.Do("GET", "/api/me/messages", h.Login("szq"), nil); r.Status != 403 {
		t.Fatalf("organizer reads /api/me/messages: %d", r.Status)
	}

	var pref struct {
		Receive, OptedOut bool
		Message           string
	}
	if r := h.Do("PUT", "/api/me/sms", tok, map[string]any{}); r.Status != 400 || r.ErrorField(t) != "receive" {
		t.Fatalf("opt-in without a choice: %d %s", r.Status, r.Body)
	}
	h.Do("PUT", "/api/me/sms", tok, map[string]any{"receive": false}).JSON(t, &pref)
	if pref.Receive || !pref.OptedOut || !strings.Contains(pref.Message, "验证码") {
		t.Fatalf("opt out: %+v", pref)
	}
	h.Do("GET", "/api/me/sms", tok, nil).JSON(t, &pref)
	if !pref.OptedOut {
		t.Fatalf("opt-out not kept: %+v", pref)
	}

	// Opted out: the code request answers as for anyone, with the way back.
	// (Another opted-out volunteer: this one asked for a code a moment ago.)
	out := h.Set.Volunteers[2].Phone
	if err := h.P.Store.SetOptOut(context.Background(), out, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	var ans struct{ Message, Hint string }
	h.Do("POST", "/api/auth/code", "", map[string]string{"phone": out}).JSON(t, &ans)
	var stranger struct{ Message, Hint string }
	h.Do("POST", "/api/auth/code", "", map[string]string{"phone": "+8613999990000"}).JSON(t, &stranger)
	if ans != stranger || !strings.Contains(ans.Hint, "订阅") {
		t.Fatalf("code answer differs for an opted-out volunteer (%+v) and a stranger (%+v), or has no way back", ans, stranger)
	}

	h.Do("PUT", "/api/me/sms", tok, map[string]any{"receive": true}).JSON(t, &pref)
	if !pref.Receive || pref.OptedOut {
		t.Fatalf("opt back in: %+v", pref)
	}
}
