package httpapi

import (
	"jinhui/services/access"
	"jinhui/services/supervise"
)

// superviseRoutes are the supervision routes (rules Q1–Q4).
func (s *Server) superviseRoutes() []route {
	return []route{
		{method: "POST", path: "/api/supervise/draws", tag: "supervise", summary: "抽取本月核查样本(Q1、Q2: 富锦规则或风险加权; 种子留存, 不得悄悄重抽)", who: access.Staff, body: supervise.DrawInput{}, resp: supervise.Draw{}, h: s.newDraw},
		{method: "GET", path: "/api/supervise/draws", tag: "supervise", summary: "核查样本列表", who: access.Staff, query: []string{"area", "month", "sort", "order", "offset", "limit"}, h: s.listDraws},
		{method: "GET", path: "/api/supervise/draws/:id", tag: "supervise", summary: "核查样本详情(种子、说明、任务)", who: access.Staff, resp: supervise.Draw{}, h: s.getDraw},
		{method: "GET", path: "/api/supervise/tasks", tag: "supervise", summary: "核查任务列表(assignee=me: 我的任务)", who: access.Staff, query: []string{"area", "month", "draw", "status", "assignee", "sort", "order", "offset", "limit"}, h: s.listCheckTasks},
		{method: "GET", path: "/api/supervise/tasks/:id", tag: "supervise", summary: "核查任务详情(含话术)", who: access.Staff, resp: supervise.Task{}, h: s.getCheckTask},
		{method: "POST", path: "/api/supervise/tasks/:id/assign", tag: "supervise", summary: "指派核查人与方式(电话/实地)", who: access.Staff, body: supervise.AssignInput{}, resp: supervise.Task{}, h: s.assignCheckTask},
		{method: "POST", path: "/api/supervise/tasks/:id/result", tag: "supervise", summary: "登记核查结果(不属实: 暂缓计入服务时长并登记问题; 属实: 恢复)", who: access.Staff, body: supervise.ResultInput{}, resp: supervise.Task{}, h: s.checkResult},
		{method: "GET", path: "/api/supervise/problems", tag: "supervise", summary: "问题台账(Q3)", who: access.Staff, query: []string{"area", "status", "sort", "order", "offset", "limit"}, h: s.listProblems},
		{method: "GET", path: "/api/supervise/problems/overdue", tag: "supervise", summary: "逾期未整改问题(看板)", who: access.Staff, query: []string{"area", "sort", "order", "offset", "limit"}, h: s.overdueProblems},
		{method: "POST", path: "/api/supervise/problems", tag: "supervise", summary: "登记问题(区划、类别、描述、责任人、期限)", who: access.Staff, body: supervise.ProblemInput{}, resp: supervise.Problem{}, h: s.newProblem},
		{method: "GET", path: "/api/supervise/problems/:id", tag: "supervise", summary: "问题详情", who: access.Staff, resp: supervise.Problem{}, h: s.getProblem},
		{method: "POST", path: "/api/supervise/problems/:id/rectify", tag: "supervise", summary: "登记整改情况", who: access.Staff, body: supervise.RectifyInput{}, resp: supervise.Problem{}, h: s.rectifyProblem},
		{method: "POST", path: "/api/supervise/problems/:id/recheck", tag: "supervise", summary: "回访回查(通过销号, 未通过重新整改; 须由整改登记人以外的人员)", who: access.Staff, body: supervise.RecheckInput{}, resp: supervise.Problem{}, h: s.recheckProblem},
		{method: "GET", path: "/api/supervise/alerts", tag: "supervise", summary: "督查提醒(时长暂缓/恢复、问题逾期)", who: access.Staff, query: []string{"sort", "order", "offset", "limit"}, h: s.superviseAlerts},
		{method: "POST", path: "/api/supervise/reports", tag: "supervise", summary: "生成月度通报与排名(Q4), 留存", who: access.Staff, body: supervise.ReportInput{}, resp: supervise.Report{}, h: s.newSupReport},
		{method: "GET", path: "/api/supervise/reports", tag: "supervise", summary: "已留存的月度通报", who: access.Staff, query: []string{"area", "month", "sort", "order", "offset", "limit"}, h: s.listSupReports},
		{method: "GET", path: "/api/supervise/reports/:id", tag: "supervise", summary: "月度通报详情", who: access.Staff, resp: supervise.Report{}, h: s.getSupReport},
		{method: "GET", path: "/api/supervise/reports/:id/export.xlsx", tag: "supervise", summary: "导出月度通报(xlsx)", who: access.Staff, binary: xlsxType, h: s.exportSupReport},
	}
}
