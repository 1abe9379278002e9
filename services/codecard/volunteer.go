package codecard

import (
	"context"
	"fmt"

	"jinhui/services/access"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/valid"
)

// mine returns a visit assigned to volunteer p.
func (s *Service) mine(ctx context.Context, p access.Principal, id string) (visit.Visit, error) {
	if p.Kind != access.KindVolunteer {
		return visit.Visit{}, apperr.New(apperr.Forbidden, "仅限承担该探访的志愿者操作")
	}
	v, err := s.Visits.VisitFor(ctx, p, id)
	if err != nil {
		return visit.Visit{}, err
	}
	if v.Volunteer != p.ID {
		return visit.Visit{}, apperr.New(apperr.Forbidden, "该探访已安排给其他志愿者")
	}
	return v, nil
}

// card returns the elder's card if it lists the visit's month.
func (s *Service) card(ctx context.Context, v visit.Visit) (Card, bool, error) {
	c, err := s.Store.CodeCard(ctx, v.Elder)
	if apperr.Is(err, apperr.NotFound) {
		return Card{}, false, nil
	}
	if err != nil {
		return Card{}, false, fmt.Errorf("codecard.card: %w", err)
	}
	return c, c.Covers(v.Month), nil
}

func (s *Service) attempts(ctx context.Context, v visit.Visit) (Attempts, error) {
	a, err := s.Store.CardAttempts(ctx, v.ID)
	if apperr.Is(err, apperr.NotFound) {
		return Attempts{ID: v.ID, Elder: v.Elder}, nil
	}
	return a, err
}

// OfflineCheck returns what the assigned volunteer's phone keeps to check
// the visit's code without a network: a slow salted hash, never the code.
func (s *Service) OfflineCheck(ctx context.Context, p access.Principal, id string) (Offline, error) {
	v, err := s.mine(ctx, p, id)
	if err != nil {
		return Offline{}, err
	}
	c, ok, err := s.card(ctx, v)
	if err != nil || !ok {
		return Offline{Visit: v.ID}, err
	}
	a, err := s.attempts(ctx, v)
	if err != nil {
		return Offline{}, fmt.Errorf("codecard.OfflineCheck: %w", err)
	}
	salt := Salt(c.Secret, v.ID)
	return Offline{Visit: v.ID, HasCard: true, Salt: salt, Iterations: Iterations, Hash: Hash(Code(c.Secret, v.Elder, v.Month), salt),
		WrongLeft: max(0, MaxWrong-a.Wrong), Confirmed: a.Confirmed}, nil
}

// Try checks a code typed while online. MaxWrong wrong codes flag the
// visit; after that no code confirms it.
func (s *Service) Try(ctx context.Context, p access.Principal, id string, in TryInput) (TryResult, error) {
	if err := valid.Struct(in); err != nil {
		return TryResult{}, err
	}
	v, err := s.mine(ctx, p, id)
	if err != nil {
		return TryResult{}, err
	}
	c, ok, err := s.card(ctx, v)
	if err != nil {
		return TryResult{}, err
	}
	if !ok {
		return TryResult{}, apperr.New(apperr.Conflict, "该老人没有本月可用的探访码卡")
	}
	a, err := s.attempts(ctx, v)
	if err != nil {
		return TryResult{}, fmt.Errorf("codecard.Try: %w", err)
	}
	res, err := s.apply(ctx, c, v, &a, in.Code, 0)
	if err != nil {
		return TryResult{}, err
	}
	return TryResult{Right: res.Confirmed, WrongLeft: max(0, MaxWrong-res.Wrong), Flagged: res.Flagged}, nil
}

// CheckOutCode checks the code sent with a check-out, counting the wrong
// codes the phone refused offline; nil when the elder has no card for the
// month. It implements visit.CardChecker.
func (s *Service) CheckOutCode(ctx context.Context, v visit.Visit, code string, wrong int) (*visit.CardCheck, error) {
	c, ok, err := s.card(ctx, v)
	if err != nil || !ok {
		return nil, err
	}
	a, err := s.attempts(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("codecard.CheckOutCode: %w", err)
	}
	res, err := s.apply(ctx, c, v, &a, code, wrong)
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// apply adds offline wrong codes and checks code (if any) against the card.
func (s *Service) apply(ctx context.Context, c Card, v visit.Visit, a *Attempts, code string, offlineWrong int) (visit.CardCheck, error) {
	before := *a
	a.Wrong += offlineWrong
	if code != "" && !a.Confirmed {
		switch {
		case a.Wrong >= MaxWrong:
			// flagged already: a code found after three wrong ones confirms nothing
		case code == Code(c.Secret, v.Elder, v.Month):
			a.Confirmed = true
		default:
			a.Wrong++
		}
	}
	if *a != before {
		if err := s.Store.PutCardAttempts(ctx, a); err != nil {
			return visit.CardCheck{}, fmt.Errorf("codecard.apply: %w", err)
		}
	}
	res := visit.CardCheck{Confirmed: a.Confirmed, Wrong: a.Wrong, Flagged: a.Wrong >= MaxWrong && !a.Confirmed}
	switch {
	case res.Confirmed:
		res.Note = "探访码卡验证通过(视同老人确认)"
	case res.Flagged:
		res.Note = fmt.Sprintf("探访码卡验证码错误 %d 次, 已提交督导核查", a.Wrong)
	case code == "" && a.Wrong > 0:
		res.Note = fmt.Sprintf("探访码卡验证码错误 %d 次, 未验证", a.Wrong)
	}
	return res, nil
}
