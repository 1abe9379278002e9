package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jinhui/services/wish"
)

func (s *Server) uploadPhoto(c *fiber.Ctx) error {
	_, data, err := upload(c)
	if err != nil {
		return err
	}
	ph, err := s.Wishes.UploadPhoto(c.UserContext(), principal(c), data)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ph)
}

func sendJPEG(c *fiber.Ctx, b []byte, cache string) error {
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, cache)
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(b)
}

func (s *Server) getPhoto(c *fiber.Ctx) error {
	b, err := s.Wishes.PhotoFor(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return sendJPEG(c, b, "private, max-age=300")
}

func (s *Server) publicPhoto(c *fiber.Ctx) error {
	b, err := s.Wishes.PublicPhoto(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return sendJPEG(c, b, "public, max-age=3600")
}

func (s *Server) listPosts(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, wish.PostSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Wishes.ListPosts(c.UserContext(), principal(c), wish.PostFilter{Area: c.Query("area"), Status: split(c.Query("status")), Order: ord, Offset: off, Limit: lim})
	if err != nil {
		return err
	}
	return c.JSON(listResp[wish.Post]{Items: items, Total: total})
}

func (s *Server) createPost(c *fiber.Ctx) error {
	var in wish.PostInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	p, err := s.Wishes.CreatePost(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *Server) getPost(c *fiber.Ctx) error {
	p, err := s.Wishes.GetPost(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) decidePost(c *fiber.Ctx, approve bool) error {
	var in wish.Decision
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	p, err := s.Wishes.DecidePost(c.UserContext(), principal(c), c.Params("id"), approve, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) approvePost(c *fiber.Ctx) error { return s.decidePost(c, true) }
func (s *Server) rejectPost(c *fiber.Ctx) error  { return s.decidePost(c, false) }

func (s *Server) publicPosts(c *fiber.Ctx) error {
	if err := s.Wishes.AllowPublic(c.UserContext(), clientIP(c)); err != nil {
		return err
	}
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	items, total, err := s.Wishes.PublicPosts(c.UserContext(), c.Query("area"), off, lim)
	if err != nil {
		return err
	}
	return c.JSON(listResp[wish.PostView]{Items: items, Total: total})
}

func (s *Server) publicPost(c *fiber.Ctx) error {
	p, err := s.Wishes.PublicPost(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}
