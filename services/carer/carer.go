// Package carer runs neighbour carers (rules C1–C4): the roster, the help
// they log, and their monthly subsidy.
package carer

// Service is the carer service (being built).
type Service struct{}
