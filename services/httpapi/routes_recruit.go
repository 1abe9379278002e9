package httpapi

// recruitRoutes are the recruitment routes (rules V1–V6).
func (s *Server) recruitRoutes() []route { return nil }
