package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"jinhui/services/platform/platformtest"
	"jinhui/services/recruit"
)

func countApps(t *testing.T, h *platformtest.Harness, call string) int {
	t.Helper()
	_, n, err := h.P.Store.Applications(context.Background(), recruit.AppFilter{CallID: call})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantRefusal(t *testing.T, what string, r platformtest.Response, status int, field string) {
	t.Helper()
	if r.Status != status || (field != "" && r.ErrorField(t) != field) {
		t.Fatalf("%s: got %d %s, want %d field %q", what, r.Status, r.Body, status, field)
	}
}

// TestRecruitmentRefusals shows the quota, the duplicate check, the rate
// limits and the field checks refusing what they must, storing nothing.
func TestRecruitmentRefusals(t *testing.T) {
	h := platformtest.New(t)
	szq := h.Login("szq")
	call := newCall(t, h, szq, []map[string]any{{"area": "370101001000", "quota": 1}})

	// Quotas: one place in 城关镇; two applicants from two of its villages.
	first, second := person(1, "370101001001"), person(2, "370101001002")
	id1, id2 := appID(t, apply(t, h, call, first)), appID(t, apply(t, h, call, second))
	if r := review(h, szq, id1, map[string]any{"scores": goodScores, "decision": "accept"}); r.Status != 200 {
		t.Fatalf("accept first: %d %s", r.Status, r.Body)
	}
	wantRefusal(t, "accept beyond quota", review(h, szq, id2, map[string]any{"scores": goodScores, "decision": "accept"}), 409, "")
	if r := review(h, szq, id2, map[string]any{"scores": goodScores, "decision": "waitlist"}); r.Status != 200 {
		t.Fatalf("wait-list second: %d %s", r.Status, r.Body)
	}
	wantRefusal(t, "decide without scores", review(h, szq, appID(t, apply(t, h, call, person(3, "370101001001"))), map[string]any{"decision": "reject", "note": "x"}), 400, "scores")
	// A village outside the quota areas cannot apply.
	out := person(4, "370101002001")
	h.Do("POST", "/api/public/code", "", map[string]any{"phone": out.phone, "purpose": "apply", "call": call})
	wantRefusal(t, "village outside quotas", h.Do("POST", "/api/public/calls/"+call+"/apply", "", out.form(h.LastCode("+86"+out.phone))), 400, "village")
	wantFunnel(t, "quota", funnelOf(t, h, szq, call), funnelNums{Applied: 3, Screened: 2, Accepted: 1, Waitlisted: 1})

	// Duplicates: same ID number, or same phone, in the same call.
	n := countApps(t, h, call)
	dupID := person(5, "370101001001")
	dupID.id = first.id
	wantRefusal(t, "same ID number", apply(t, h, call, dupID), 409, "idNumber")
	dupPhone := person(6, "370101001001")
	dupPhone.phone = second.phone
	h.P.Redis.Del(context.Background(), "otp-resend:{apply:+86"+second.phone+"}")
	wantRefusal(t, "same phone", apply(t, h, call, dupPhone), 409, "phone")
	if got := countApps(t, h, call); got != n {
		t.Fatalf("duplicates stored: %d applications, want %d", got, n)
	}

	// Bad input: a clear message naming the field, nothing stored.
	bad := person(7, "370101001001")
	h.Do("POST", "/api/public/code", "", map[string]any{"phone": bad.phone, "purpose": "apply", "call": call})
	code := h.LastCode("+86" + bad.phone)
	for _, tc := range []struct {
		name, field string
		change      func(m map[string]any)
	}{
		{"ErrIDChecksum", "idNumber", func(m map[string]any) {
			m["idNumber"] = bad.id[:17] + map[bool]string{true: "1", false: "2"}[bad.id[17] != '1']
		}},
		{"ErrName", "name", func(m map[string]any) { m["name"] = "<script>" }},
		{"ErrPhone", "phone", func(m map[string]any) { m["phone"] = "12345" }},
		{"ErrKindNotWanted", "kind", func(m map[string]any) { m["kind"] = "doctor" }},
		{"ErrSkill", "skills[0]", func(m map[string]any) { m["skills"] = []string{"juggling"} }},
		{"ErrHours", "hoursPerMonth", func(m map[string]any) { m["hoursPerMonth"] = 0 }},
		{"ErrNoConsent", "consent", func(m map[string]any) { m["consent"] = false }},
		{"ErrOldConsent", "consentVersion", func(m map[string]any) { m["consentVersion"] = "2020-v0" }},
		{"ErrOrgMissing", "sourceOrg", func(m map[string]any) { m["sourceKind"] = "university" }},
		{"ErrUnknownField", "website", func(m map[string]any) { m["website"] = "http://spam" }},
		{"ErrTooLarge", "body", func(m map[string]any) { m["experience"] = strings.Repeat("很", 20000) }},
		{"ErrWrongCode", "code", func(m map[string]any) {
			m["code"] = map[bool]string{true: "000000", false: "111111"}[code != "000000"]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := bad.form(code)
			tc.change(m)
			r := h.Do("POST", "/api/public/calls/"+call+"/apply", "", m)
			wantRefusal(t, tc.name, r, 400, tc.field)
			if msg := r.Map(t)["error"].(map[string]any)["message"].(string); msg == "" || !hasHan(msg) {
				t.Fatalf("message not Chinese: %q", msg)
			}
		})
	}
	if got := countApps(t, h, call); got != n {
		t.Fatalf("bad input stored: %d applications, want %d", got, n)
	}
	// The right code still works after the field errors (they do not use it up).
	if r := h.Do("POST", "/api/public/calls/"+call+"/apply", "", bad.form(code)); r.Status != 201 {
		t.Fatalf("apply after corrections: %d %s", r.Status, r.Body)
	}

	// Rate limits: one code a minute per phone, and caps per IP address,
	// held in Redis.
	rl := person(8, "370101001001")
	if r := h.Do("POST", "/api/public/code", "", map[string]any{"phone": rl.phone, "purpose": "apply", "call": call}); r.Status != 200 {
		t.Fatalf("first code: %d %s", r.Status, r.Body)
	}
	wantRefusal(t, "second code within a minute", h.Do("POST", "/api/public/code", "", map[string]any{"phone": rl.phone, "purpose": "apply", "call": call}), 429, "")
	h.P.Recruit.Limits.CodesPerIPHour = 3
	resetLimit(t, h, "*rl:apply-code-ip:*")
	var last platformtest.Response
	for i := 0; i < 4; i++ {
		last = h.Do("POST", "/api/public/code", "", map[string]any{"phone": person(20+i, "").phone, "purpose": "apply", "call": call})
		if i < 3 && last.Status != 200 {
			t.Fatalf("code %d from one address: %d %s", i, last.Status, last.Body)
		}
	}
	wantRefusal(t, "codes beyond the per-address limit", last, 429, "")
	h.P.Recruit.Limits.AppliesPerIPHour = 1
	resetLimit(t, h, "*rl:apply-ip:*")
	h.Do("POST", "/api/public/calls/"+call+"/apply", "", person(30, "370101001001").form("123456"))
	wantRefusal(t, "submissions beyond the per-address limit", h.Do("POST", "/api/public/calls/"+call+"/apply", "", person(31, "370101001001").form("123456")), 429, "")

	// Access: the sibling county neither sees nor decides county A's applications.
	lx := h.Login("linxian")
	if r := h.Do("GET", "/api/recruit/applications", lx, nil); r.Status != 200 || strings.Contains(string(r.Body), id2) {
		t.Fatalf("sibling queue: %d %s", r.Status, r.Body)
	}
	wantRefusal(t, "sibling reviews", h.Do("POST", "/api/recruit/applications/"+id2+"/review", lx, map[string]any{"version": 3, "decision": "accept"}), 404, "")
	wantRefusal(t, "sibling reads call", h.Do("GET", "/api/recruit/calls/"+call, lx, nil), 404, "")
	wantRefusal(t, "supervisor decides", review(h, h.Login("szqdudao"), id2, map[string]any{"decision": "accept"}), 403, "")
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// resetLimit forgets the requests counted so far under a limiter's keys,
// so that a lowered limit starts from zero.
func resetLimit(t *testing.T, h *platformtest.Harness, pattern string) {
	t.Helper()
	ctx := context.Background()
	keys, err := h.P.Redis.Keys(ctx, pattern).Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("no limiter keys %s: %v", pattern, err)
	}
	h.P.Redis.Del(ctx, keys...)
}
