// Package wish runs micro-wishes (微心愿) and the exchange page (rule R3).
package wish

// Service is the micro-wish and exchange service (being built).
type Service struct{}
