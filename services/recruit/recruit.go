// Package recruit runs volunteer recruitment (rules V1–V6): calls,
// public applications, screening, partner organisations, training.
package recruit

// Service is the recruitment service (being built).
type Service struct{}
