package httpapi

// superviseRoutes are the supervise routes.
func (s *Server) superviseRoutes() []route { return nil }
