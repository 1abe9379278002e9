package ledger

// Service is the service-hour ledger service (being built).
type Service struct{}
