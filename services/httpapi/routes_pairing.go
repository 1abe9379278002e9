package httpapi

// pairingRoutes are the pairing and relay routes (rules P1–P4).
func (s *Server) pairingRoutes() []route { return nil }
