// Package supervise runs supervision (rules Q1–Q4): check samples, check
// tasks, the elder's own confirmation, the problem ledger, monthly ranking.
package supervise

// Service is the supervision service (being built).
type Service struct{}
