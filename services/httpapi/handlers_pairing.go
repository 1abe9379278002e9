package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jinhui/services/pairing"
	"jinhui/shared/page"
)

func items[T any](xs []T, total int) listResp[T] {
	if xs == nil {
		xs = []T{}
	}
	return listResp[T]{Items: xs, Total: total}
}

func (s *Server) pairingPolicies(c *fiber.Ctx) error {
	return c.JSON(pairing.BuiltinPolicies)
}

func (s *Server) pairingSettings(c *fiber.Ctx) error {
	st, err := s.Pairing.Settings(c.UserContext(), principal(c), c.Params("county"))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) savePairingSettings(c *fiber.Ctx) error {
	var in pairing.SettingsInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	st, err := s.Pairing.SaveSettings(c.UserContext(), principal(c), c.Params("county"), in)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) propose(c *fiber.Ctx) error {
	var in pairing.ProposeInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	pr, err := s.Pairing.Propose(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(pr)
}

func (s *Server) listProposals(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, pairing.ProposalSorts...)
	if err != nil {
		return err
	}
	ps, n, err := s.Pairing.ListProposals(c.UserContext(), principal(c), c.Query("area"), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(items(ps, n))
}

func (s *Server) getProposal(c *fiber.Ctx) error {
	pr, err := s.Pairing.GetProposal(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(pr)
}

func (s *Server) overrideItem(c *fiber.Ctx) error {
	var in pairing.OverrideInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	pr, err := s.Pairing.Override(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(pr)
}

func (s *Server) confirmProposal(c *fiber.Ctx) error {
	var in pairing.ConfirmInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	res, err := s.Pairing.Confirm(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) listPairRules(c *fiber.Ctx) error {
	pg, err := sortedPage(c, pairing.RuleSorts...)
	if err != nil {
		return err
	}
	rs, n, err := s.Pairing.ListRules(c.UserContext(), principal(c), c.Query("area"), c.Query("elder"), pg)
	if err != nil {
		return err
	}
	return c.JSON(items(rs, n))
}

func (s *Server) addPairRule(c *fiber.Ctx) error {
	var in pairing.RuleInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Pairing.AddRule(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) revokePairRule(c *fiber.Ctx) error {
	var in pairing.RevokeInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Pairing.RevokeRule(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) coverage(c *fiber.Ctx) error {
	cv, err := s.Pairing.Coverage(c.UserContext(), principal(c), c.Query("region"))
	if err != nil {
		return err
	}
	return c.JSON(cv)
}

func (s *Server) pairAlerts(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	as, n, err := s.Pairing.ListAlerts(c.UserContext(), principal(c), c.Query("area"), off, lim)
	if err != nil {
		return err
	}
	return c.JSON(items(as, n))
}

func (s *Server) pairingCheck(c *fiber.Ctx) error {
	res, err := s.Pairing.DailyCheck(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) listPairs(c *fiber.Ctx) error {
	f := pairing.PairFilter{Area: c.Query("area"), Elder: c.Query("elder"), Volunteer: c.Query("volunteer"), Status: c.Query("status")}
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	if f.Order, err = page.ParseOrder(c.Query("sort"), c.Query("order"), pairing.PairSorts...); err != nil {
		return err
	}
	ps, n, err := s.Pairing.ListPairs(c.UserContext(), principal(c), f, pg)
	if err != nil {
		return err
	}
	return c.JSON(items(ps, n))
}

func (s *Server) getPair(c *fiber.Ctx) error {
	p, err := s.Pairing.GetPair(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) setPairNotes(c *fiber.Ctx) error {
	var in pairing.NotesInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	p, err := s.Pairing.SetNotes(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) endPair(c *fiber.Ctx) error {
	var in pairing.EndInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Pairing.EndPair(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) listRelays(c *fiber.Ctx) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), pairing.RelaySorts...)
	if err != nil {
		return err
	}
	rs, n, err := s.Pairing.ListRelays(c.UserContext(), principal(c), c.Query("area"), c.Query("status"), ord, pg)
	if err != nil {
		return err
	}
	return c.JSON(items(rs, n))
}

func (s *Server) getRelay(c *fiber.Ctx) error {
	r, err := s.Pairing.GetRelay(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) proposeRelay(c *fiber.Ctx) error {
	r, err := s.Pairing.ProposeRelay(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) confirmRelay(c *fiber.Ctx) error {
	var in pairing.RelayConfirmInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	h, err := s.Pairing.ConfirmRelay(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

func (s *Server) listHandovers(c *fiber.Ctx) error {
	pg, err := sortedPage(c, pairing.HandoverSorts...)
	if err != nil {
		return err
	}
	hs, n, err := s.Pairing.ListHandovers(c.UserContext(), principal(c), c.Query("area"), pg)
	if err != nil {
		return err
	}
	return c.JSON(items(hs, n))
}

func (s *Server) getHandover(c *fiber.Ctx) error {
	h, err := s.Pairing.GetHandover(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(h)
}
