package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"jinhui/services/access"
	"jinhui/services/pairing"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/page"
)

// pairingFixtures are county A's pairing objects for the access walk: a
// confirmed proposal, a pin, a pair that is still active, and a relay that
// ended in a handover.
type pairingFixtures struct {
	proposal, rule, pair, relay, handover, elder string
	proposalVersion, relayVersion                int
}

func newPairingFixtures(t *testing.T, h *platformtest.Harness) pairingFixtures {
	t.Helper()
	ctx := context.Background()
	org := access.Principal{Kind: access.KindOrganizer, ID: "fixture", Name: "测试", Role: access.RoleOrganizer, Region: countyA, Level: int(registry.County)}
	svc := h.P.Pairing
	p, err := svc.Propose(ctx, org, pairing.ProposeInput{Region: countyA})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Confirm(ctx, org, p.ID, pairing.ConfirmInput{Version: p.Version})
	if err != nil || res.Confirmed < 2 {
		t.Fatalf("pairing fixtures: %v, %d confirmed", err, res.Confirmed)
	}
	pairs, _, err := svc.ListPairs(ctx, org, pairing.PairFilter{Status: pairing.PairActive}, page.First)
	if err != nil {
		t.Fatal(err)
	}
	keep, end := pairs[0], pairs[1]
	rule, err := svc.AddRule(ctx, org, pairing.RuleInput{Kind: pairing.RulePin, Elder: keep.Elder, Volunteer: keep.Volunteer, Reason: "老人熟悉"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.EndPair(ctx, org, end.ID, pairing.EndInput{Reason: "测试接力"})
	if err != nil {
		t.Fatal(err)
	}
	pf := pairingFixtures{proposal: p.ID, rule: rule.ID, pair: keep.ID, relay: r.ID, elder: keep.Elder, proposalVersion: res.Proposal.Version, relayVersion: r.Version}
	if r.Proposal != nil {
		ho, err := svc.ConfirmRelay(ctx, org, r.ID, pairing.RelayConfirmInput{Version: r.Version})
		if err != nil {
			t.Fatal(err)
		}
		pf.handover = ho.ID
	}
	if pf.handover == "" {
		pf.handover = r.ID
	}
	return pf
}

// id names the object a pairing path parameter stands for, or "".
func (pf pairingFixtures) id(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/pairing/settings/{county}"):
		return countyA
	case strings.HasPrefix(path, "/api/pairing/proposals/{id}"):
		return pf.proposal
	case strings.HasPrefix(path, "/api/pairing/rules/{id}"):
		return pf.rule
	case strings.HasPrefix(path, "/api/pairs/{id}"):
		return pf.pair
	case strings.HasPrefix(path, "/api/relays/{id}"):
		return pf.relay
	case strings.HasPrefix(path, "/api/handovers/{id}"):
		return pf.handover
	}
	return ""
}

// body returns a pairing request body that would succeed inside county A, or nil.
func (pf pairingFixtures) body(method, path, volunteer string) any {
	switch method + " " + path {
	case "PUT /api/pairing/settings/{county}":
		return map[string]any{"policy": "liaocheng", "silentDays": 30, "relayLimitDays": 7, "version": 0}
	case "POST /api/pairing/proposals":
		return map[string]any{"region": countyA}
	case "POST /api/pairing/proposals/{id}/override":
		return map[string]any{"item": 0, "volunteer": volunteer, "reason": "人工调整", "version": pf.proposalVersion}
	case "POST /api/pairing/proposals/{id}/confirm":
		return map[string]any{"version": pf.proposalVersion}
	case "POST /api/pairing/rules":
		return map[string]any{"kind": "forbid", "elder": pf.elder, "volunteer": volunteer, "reason": "测试禁止"}
	case "POST /api/pairing/rules/{id}/revoke":
		return map[string]any{"reason": "撤销", "version": 1}
	case "PUT /api/pairs/{id}/notes":
		return map[string]any{"notes": map[string]any{"risks": "注意防跌倒"}}
	case "POST /api/pairs/{id}/end":
		return map[string]any{"reason": "解除结对"}
	case "POST /api/relays/{id}/confirm":
		return map[string]any{"version": pf.relayVersion}
	}
	return nil
}
