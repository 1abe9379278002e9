// Package stats computes the programme's figures (rules R1, R2) from
// totals derived from the ledger and the registers.
package stats

// Service is the figures service (being built).
type Service struct{}
