package httpapi_test

import (
	"testing"

	"jinhui/services/platform/platformtest"
)

// TestSMSSimulator: without a Twilio account the top admin answers an
// outbox message as its recipient, through the inbound handling (退订 is
// recorded as an opt-out); others may not, and the field is named.
func TestSMSSimulator(t *testing.T) {
	h := platformtest.New(t)
	phone := h.Set.Volunteers[0].Phone
	if r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": phone}); r.Status >= 300 {
		t.Fatalf("code: %d %s", r.Status, r.Body)
	}
	root := h.Login("admin")
	var msgs struct {
		Items []struct{ ID, To string }
	}
	h.Do("GET", "/api/sms/messages", root, nil).JSON(t, &msgs)
	if len(msgs.Items) == 0 {
		t.Fatal("no message in the outbox")
	}
	id := msgs.Items[0].ID
	cases := []struct {
		name, user string
		body       map[string]string
		status     int
		field      string
	}{
		{"ErrCountyAdmin", "szqadmin", map[string]string{"message": id, "body": "退订"}, 403, ""},
		{"ErrOrganizer", "szq", map[string]string{"message": id, "body": "退订"}, 403, ""},
		{"ErrNoBody", "admin", map[string]string{"message": id}, 400, "body"},
		{"ErrUnknownMessage", "admin", map[string]string{"message": "nope", "body": "1"}, 404, ""},
		{"OK", "admin", map[string]string{"message": id, "body": "退订"}, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.Do("POST", "/api/sms/simulate", h.Login(tc.user), tc.body)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if tc.field != "" && r.ErrorField(t) != tc.field {
				t.Fatalf("field %q, want %q", r.ErrorField(t), tc.field)
			}
		})
	}
	var in struct {
		Items []struct {
			Body   string
			OptOut bool
		}
	}
	h.Do("GET", "/api/sms/inbound", root, nil).JSON(t, &in)
	if len(in.Items) != 1 || in.Items[0].Body != "退订" || !in.Items[0].OptOut {
		t.Fatalf("inbound after the simulated reply: %+v", in.Items)
	}
}
