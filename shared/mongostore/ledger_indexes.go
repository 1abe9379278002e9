package mongostore

import "go.mongodb.org/mongo-driver/v2/bson"

// Ledger, totals and carer collections.
const (
	colLedgerApplied = "ledger_applied"
	colAreaTotals    = "totals_areas"
	colPersonTotals  = "totals_people"
	colTotalsDeltas  = "totals_deltas"
	colTotalsMeta    = "totals_meta"
	colCertificates  = "certificates"
	colCarerRoster   = "carer_roster"
	colCarerLogs     = "carer_logs"
	colCarerRules    = "carer_rules"
	colStatements    = "carer_statements"
)

// ledgerIndexes are the ledger collections' indexes.
var ledgerIndexes = []index{
	{colCarerRoster, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colCarerRoster, bson.D{{Key: "carer", Value: 1}, {Key: "_id", Value: 1}}, false},
	// the roster sorted on start date (carer.RosterSorts)
	{colCarerRoster, bson.D{{Key: "areas", Value: 1}, {Key: "startDate", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colCarerRoster, bson.D{{Key: "carer", Value: 1}, {Key: "startDate", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colCarerLogs, bson.D{{Key: "carer", Value: 1}, {Key: "month", Value: 1}}, false},
	{colCarerLogs, bson.D{{Key: "county", Value: 1}, {Key: "month", Value: 1}}, false},
	// logs newest first, either way when sorted on date (carer.LogSorts)
	{colCarerLogs, bson.D{{Key: "areas", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colCarerLogs, bson.D{{Key: "carer", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colStatements, bson.D{{Key: "areas", Value: 1}, {Key: "month", Value: -1}, {Key: "_id", Value: 1}}, false},
	{colStatements, bson.D{{Key: "carer", Value: 1}, {Key: "month", Value: -1}, {Key: "_id", Value: 1}}, false},
	{colCertificates, bson.D{{Key: "volunteer", Value: 1}}, false},
	{colAreaTotals, bson.D{{Key: "gen", Value: 1}}, false},
	{colPersonTotals, bson.D{{Key: "gen", Value: 1}}, false},
	{colTotalsDeltas, bson.D{{Key: "areas", Value: 1}}, false},
	{colTotalsDeltas, bson.D{{Key: "people", Value: 1}}, false},
}
