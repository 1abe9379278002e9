// Package pairing runs "结对 + 接力" (rules P1–P4) on top of the pure
// solver: pairing policies per county, proposals with explanations,
// confirmation, the relay queue and handovers.
package pairing

// Service is the pairing service (being built).
type Service struct{}
