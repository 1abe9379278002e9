package mongostore

import "go.mongodb.org/mongo-driver/v2/bson"

// Supervision collections (rules Q1–Q4).
const (
	colSupDraws    = "supervise_draws"
	colSupTasks    = "supervise_tasks"
	colSupConfirms = "supervise_confirms"
	colSupPhones   = "supervise_phones"
	colSupAnswers  = "supervise_answers"
	colSupReplies  = "supervise_replies"
	colSupProblems = "supervise_problems"
	colSupAlerts   = "supervise_alerts"
	colSupReports  = "supervise_reports"
)

// superviseIndexes are the supervise collections' indexes.
var superviseIndexes = []index{
	{colSupDraws, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: 1}}, false},
	// the draw list's sortable columns (supervise.DrawSorts), then _id the same way
	{colSupDraws, bson.D{{Key: "areas", Value: 1}, {Key: "month", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colSupDraws, bson.D{{Key: "areas", Value: 1}, {Key: "size", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colSupTasks, bson.D{{Key: "areas", Value: 1}, {Key: "month", Value: 1}}, false},
	{colSupTasks, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colSupTasks, bson.D{{Key: "volunteer", Value: 1}}, false},
	// the task list's sortable columns (supervise.TaskSorts), then _id the same way
	{colSupTasks, bson.D{{Key: "areas", Value: 1}, {Key: "elderName", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colSupTasks, bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colSupTasks, bson.D{{Key: "areas", Value: 1}, {Key: "updatedAt", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colSupProblems, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}}, false},
	{colSupProblems, bson.D{{Key: "areas", Value: 1}, {Key: "deadline", Value: 1}, {Key: "_id", Value: 1}}, false},
	// newest first, and either way when sorted on at (supervise.AlertSorts, ReportSorts)
	{colSupAlerts, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colSupReports, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colSupReports, bson.D{{Key: "areas", Value: 1}, {Key: "month", Value: 1}, {Key: "_id", Value: 1}}, false},
}
