package httpapi

// ledgerRoutes are the ledger routes.
func (s *Server) ledgerRoutes() []route { return nil }
