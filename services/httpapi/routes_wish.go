package httpapi

// wishRoutes are the wish routes.
func (s *Server) wishRoutes() []route { return nil }
