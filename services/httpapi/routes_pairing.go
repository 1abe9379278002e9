package httpapi

import (
	"jinhui/services/access"
	"jinhui/services/pairing"
)

type listResp[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// pairingRoutes are the pairing and relay routes (rules P1–P4).
func (s *Server) pairingRoutes() []route {
	return []route{
		{method: "GET", path: "/api/pairing/policies", tag: "pairing", summary: "内置结对规则(P3)", who: access.Staff, resp: map[string]pairing.Policy{}, h: s.pairingPolicies},
		{method: "GET", path: "/api/pairing/settings/:county", tag: "pairing", summary: "县级结对设置(规则、权重、沉默天数、接力时限、自动确认、培训要求)", who: access.Staff, resp: pairing.Settings{}, h: s.pairingSettings},
		{method: "PUT", path: "/api/pairing/settings/:county", tag: "pairing", summary: "修改县级结对设置", who: access.CountyUp, body: pairing.SettingsInput{}, resp: pairing.Settings{}, h: s.savePairingSettings},
		{method: "POST", path: "/api/pairing/proposals", tag: "pairing", summary: "为区划(县及以下)或所选老人生成结对方案(最优匹配, 附说明)", who: access.Writer, body: pairing.ProposeInput{}, resp: pairing.Proposal{}, h: s.propose},
		{method: "GET", path: "/api/pairing/proposals", tag: "pairing", summary: "结对方案列表", who: access.Staff, query: []string{"area", "sort", "order", "offset", "limit"}, resp: listResp[pairing.Proposal]{}, h: s.listProposals},
		{method: "GET", path: "/api/pairing/proposals/:id", tag: "pairing", summary: "结对方案详情", who: access.Staff, resp: pairing.Proposal{}, h: s.getProposal},
		{method: "POST", path: "/api/pairing/proposals/:id/override", tag: "pairing", summary: "人工调整方案中的一项(须填原因)", who: access.Writer, body: pairing.OverrideInput{}, resp: pairing.Proposal{}, h: s.overrideItem},
		{method: "POST", path: "/api/pairing/proposals/:id/confirm", tag: "pairing", summary: "确认方案的全部或部分结对(短信通知志愿者)", who: access.Writer, body: pairing.ConfirmInput{}, resp: pairing.ConfirmResult{}, h: s.confirmProposal},
		{method: "GET", path: "/api/pairing/rules", tag: "pairing", summary: "指定/禁止结对规则列表", who: access.Staff, query: []string{"area", "elder", "sort", "order", "offset", "limit"}, resp: listResp[pairing.Rule]{}, h: s.listPairRules},
		{method: "POST", path: "/api/pairing/rules", tag: "pairing", summary: "指定或禁止某志愿者与某老人结对(须填原因)", who: access.Writer, body: pairing.RuleInput{}, resp: pairing.Rule{}, h: s.addPairRule},
		{method: "POST", path: "/api/pairing/rules/:id/revoke", tag: "pairing", summary: "撤销指定/禁止规则", who: access.Writer, body: pairing.RevokeInput{}, resp: pairing.Rule{}, h: s.revokePairRule},
		{method: "GET", path: "/api/pairing/coverage", tag: "pairing", summary: "结对覆盖报告(在册、全部结对、接力中及时长、未覆盖)", who: access.Staff, query: []string{"region"}, resp: pairing.Coverage{}, h: s.coverage},
		{method: "GET", path: "/api/pairing/alerts", tag: "pairing", summary: "接力超时预警", who: access.Staff, query: []string{"area", "offset", "limit"}, resp: listResp[pairing.Alert]{}, h: s.pairAlerts},
		{method: "POST", path: "/api/pairing/check", tag: "pairing", summary: "立即执行每日接力检查(沉默、空岗、超时预警)", who: access.Admin, resp: pairing.CheckResult{}, h: s.pairingCheck},

		{method: "GET", path: "/api/pairs", tag: "pairs", summary: "结对记录", who: access.StaffOrVolunteer, query: []string{"area", "elder", "volunteer", "status", "sort", "order", "offset", "limit"}, resp: listResp[pairing.Pair]{}, h: s.listPairs},
		{method: "GET", path: "/api/pairs/:id", tag: "pairs", summary: "结对详情", who: access.StaffOrVolunteer, resp: pairing.Pair{}, h: s.getPair},
		{method: "PUT", path: "/api/pairs/:id/notes", tag: "pairs", summary: "记录交接备注(偏好、风险、有效做法)", who: access.WriterOrVolunteer, body: pairing.NotesInput{}, resp: pairing.Pair{}, h: s.setPairNotes},
		{method: "POST", path: "/api/pairs/:id/end", tag: "pairs", summary: "解除结对(岗位进入接力队列)", who: access.Writer, body: pairing.EndInput{}, resp: pairing.Relay{}, h: s.endPair},

		{method: "GET", path: "/api/relays", tag: "relay", summary: "接力队列(默认 status=open)", who: access.Staff, query: []string{"area", "status", "sort", "order", "offset", "limit"}, resp: listResp[pairing.Relay]{}, h: s.listRelays},
		{method: "GET", path: "/api/relays/:id", tag: "relay", summary: "接力详情", who: access.Staff, resp: pairing.Relay{}, h: s.getRelay},
		{method: "POST", path: "/api/relays/:id/propose", tag: "relay", summary: "重新推荐接替志愿者(其余结对不变)", who: access.Writer, resp: pairing.Relay{}, h: s.proposeRelay},
		{method: "POST", path: "/api/relays/:id/confirm", tag: "relay", summary: "确认接替并生成交接记录(短信通知接替者)", who: access.Writer, body: pairing.RelayConfirmInput{}, resp: pairing.Handover{}, h: s.confirmRelay},
		{method: "GET", path: "/api/handovers", tag: "relay", summary: "交接记录", who: access.StaffOrVolunteer, query: []string{"area", "sort", "order", "offset", "limit"}, resp: listResp[pairing.Handover]{}, h: s.listHandovers},
		{method: "GET", path: "/api/handovers/:id", tag: "relay", summary: "交接记录详情", who: access.StaffOrVolunteer, resp: pairing.Handover{}, h: s.getHandover},
	}
}
