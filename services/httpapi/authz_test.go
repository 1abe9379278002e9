package httpapi_test

import (
	"regexp"
	"testing"

	"jinhui/services/access"
	"jinhui/services/platform/platformtest"
)

var anyParam = regexp.MustCompile(`:[A-Za-z]+`)

// TestEveryRouteChecksItsRuleFirst walks the whole route table: every
// route that needs a login answers 401 without a token, and 403 to each
// kind of caller its rule refuses, even with a body that is not JSON at
// all: the rule is checked before anything of the request is read, so a
// caller without the role learns nothing from validation (400) or a
// failure (500).
func TestEveryRouteChecksItsRuleFirst(t *testing.T) {
	h := platformtest.New(t)
	callers := map[string]string{}
	for _, u := range []string{"admin", "shandong", "jinan", "szq", "szqadmin", "szqdudao", "cgz", "zjc"} {
		callers[u] = h.Login(u)
	}
	callers["志愿者"] = h.PhoneLogin(volunteerIn(t, h, countyA).Phone, "volunteer")
	for _, c := range h.Set.Carers {
		if inCounty(c.Village, countyA) {
			callers["护理员"] = h.PhoneLogin(c.Phone, "carer")
			break
		}
	}
	who := map[string]access.Principal{}
	for name, tok := range callers {
		var p access.Principal
		if r := h.Do("GET", "/api/me", tok, nil); r.Status != 200 {
			t.Fatalf("%s: GET /api/me %d", name, r.Status)
		} else {
			r.JSON(t, &p)
		}
		who[name] = p
	}
	if len(who) != 10 {
		t.Fatalf("callers: %d", len(who))
	}
	const notJSON = "{这不是 JSON"
	guarded, refused := 0, 0
	for _, rt := range h.P.API.Routes() {
		if rt.Who.Open() {
			continue
		}
		guarded++
		url := anyParam.ReplaceAllString(rt.Path, "x")
		if r := h.Do(rt.Method, url, "", notJSON); r.Status != 401 {
			t.Errorf("%s %s without a token: %d %.200s", rt.Method, rt.Path, r.Status, r.Body)
		}
		for name, p := range who {
			// The top-level admin's rule also needs the top region: in the
			// demo that is the province, so the county admin is refused.
			if rt.Who.Allows(p) && !(rt.Who.Top() && p.Region != "370000000000") {
				continue
			}
			refused++
			r := h.Do(rt.Method, url, callers[name], notJSON)
			if r.Status != 403 {
				t.Errorf("%s %s (%s) as %s (%s %s): %d %.200s", rt.Method, rt.Path, rt.Who.Text, name, p.Kind, p.Role, r.Status, r.Body)
			}
		}
	}
	if guarded < 150 || refused < 500 {
		t.Fatalf("walked %d guarded routes with %d refused callers", guarded, refused)
	}
}
