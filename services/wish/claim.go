package wish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// PurposeClaim is the purpose of a donor's one-time code.
const PurposeClaim = "wish-claim"

// CodeInput asks for a code to claim a wish.
type CodeInput struct {
	Phone string `json:"phone" validate:"required,max=32"`
	Wish  string `json:"wish" validate:"required,max=64"`
}

// ClaimInput is a donor's claim, confirmed by the texted code.
type ClaimInput struct {
	DonorKind string `json:"donorKind" validate:"required,oneof=person company league"`
	Name      string `json:"name" validate:"required,min=2,max=32"`
	Org       string `json:"org,omitempty" validate:"max=64"`
	Phone     string `json:"phone" validate:"required,max=32"`
	Code      string `json:"code" validate:"required,len=6,numeric"`
}

// ClaimResult is what the donor is told.
type ClaimResult struct {
	Wish    View      `json:"wish"`
	Until   time.Time `json:"until"`
	Message string    `json:"message"`
}

// PublicFilter selects what the public sees.
type PublicFilter struct {
	Area   string // a county or any code; the list keeps wishes inside it
	Status string // open (default), claimed, delivered, all
	Offset int
	Limit  int
}

// Public lists published, claimed and delivered wishes, newest first,
// as public views.
func (s *Service) Public(ctx context.Context, f PublicFilter) ([]View, int, error) {
	sf := Filter{Offset: f.Offset, Limit: f.Limit}
	switch f.Status {
	case "", "open":
		sf.Status = []string{StatusPublished}
	case "claimed":
		sf.Status = []string{StatusClaimed}
	case "delivered":
		sf.Status = []string{StatusDelivered}
	case "all":
		sf.Status = []string{StatusPublished, StatusClaimed, StatusDelivered}
	default:
		return nil, 0, apperr.Field("status", "状态应为 open、claimed、delivered 或 all")
	}
	if f.Area != "" {
		c, err := area.NormalizeCode(f.Area)
		if err != nil {
			return nil, 0, apperr.Field("area", "区划代码不正确")
		}
		sf.Area = c
	}
	key := fmt.Sprintf("wish-public:%s:%s:%s:%d:%d", s.generation(ctx), strings.Join(sf.Status, ","), sf.Area, sf.Offset, sf.Limit)
	return cached(ctx, s.Cache, key, func() ([]View, int, error) {
		ws, n, err := s.Store.Wishes(ctx, sf)
		if err != nil {
			return nil, 0, fmt.Errorf("wish.Public: %w", err)
		}
		out := make([]View, len(ws))
		for i, w := range ws {
			out[i] = w.View()
		}
		return out, n, nil
	})
}

// generation names the current state of the public lists; changed tells
// every API process that a wish or post changed, so that a cached list is
// never older than the last change made through the service.
func (s *Service) generation(ctx context.Context) string {
	if s.Cache == nil {
		return ""
	}
	b, _ := s.Cache.Get(ctx, "wish-gen")
	return string(b)
}

func (s *Service) changed(ctx context.Context) {
	if s.Cache != nil {
		_ = s.Cache.Set(ctx, "wish-gen", []byte(strconv.FormatInt(time.Now().UnixNano(), 36)), 0)
	}
}

// cached answers a public list from c when it holds key, and otherwise
// computes and stores it for PublicTTL. A failing cache is bypassed.
func cached[T any](ctx context.Context, c Cache, key string, load func() ([]T, int, error)) ([]T, int, error) {
	type page struct {
		Items []T `json:"items"`
		Total int `json:"total"`
	}
	if c != nil {
		if b, err := c.Get(ctx, key); err == nil && b != nil {
			var p page
			if json.Unmarshal(b, &p) == nil {
				return p.Items, p.Total, nil
			}
		}
	}
	items, total, err := load()
	if err == nil && c != nil {
		if b, err := json.Marshal(page{Items: items, Total: total}); err == nil {
			_ = c.Set(ctx, key, b, PublicTTL)
		}
	}
	return items, total, err
}

// AllowPublic limits an address's reads of the public lists (Redis-held,
// shared by every API process); the lists are cached besides.
func (s *Service) AllowPublic(ctx context.Context, ip string) error {
	return s.Codes.Allow(ctx, "wish-public-ip:"+ip, 300, 10*time.Minute)
}

// publicWish returns a wish the public may see, or NotFound.
func (s *Service) publicWish(ctx context.Context, id string) (Wish, error) {
	w, err := s.Store.Wish(ctx, id)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Wish{}, fmt.Errorf("wish.PublicWish: %w", err)
	}
	if err != nil || (w.Status != StatusPublished && w.Status != StatusClaimed && w.Status != StatusDelivered) {
		return Wish{}, apperr.NotFoundf("心愿不存在")
	}
	return w, nil
}

// PublicWish returns one wish's public view.
func (s *Service) PublicWish(ctx context.Context, id string) (View, error) {
	w, err := s.publicWish(ctx, id)
	if err != nil {
		return View{}, err
	}
	return w.View(), nil
}

func donorPhone(s string) (string, error) {
	ph, err := pii.NormalizePhone(s)
	if err != nil || !strings.HasPrefix(ph, "+861") {
		return "", apperr.Field("phone", "请填写有效的手机号码")
	}
	return ph, nil
}

// RequestCode texts a claim code to a donor's phone, for an open wish.
// Limited per IP address and (auth.Codes) per phone.
func (s *Service) RequestCode(ctx context.Context, in CodeInput, ip string) error {
	if err := valid.Struct(in); err != nil {
		return err
	}
	ph, err := donorPhone(in.Phone)
	if err != nil {
		return err
	}
	if err := s.Codes.Allow(ctx, "wish-code-ip:"+ip, s.Limits.CodesPerIPHour, time.Hour); err != nil {
		return err
	}
	w, err := s.publicWish(ctx, in.Wish)
	if err != nil {
		return apperr.Field("wish", "心愿不存在")
	}
	if w.Status != StatusPublished {
		return apperr.New(apperr.Conflict, "该心愿已被认领")
	}
	return s.Codes.Issue(ctx, PurposeClaim, ph, "【金晖助老】您认领微心愿的验证码是 %s, 5 分钟内有效。如非本人操作请忽略。")
}

// Claim lets a donor claim an open wish for Limits.ClaimDays (rule R3).
// The claim is an insert with _id wish:seq, so of two donors racing for
// the same wish exactly one wins; the other gets Conflict. Limited per IP
// address, and per phone to Limits.ActivePerPhone claims held at once.
func (s *Service) Claim(ctx context.Context, id string, in ClaimInput, ip string) (ClaimResult, error) {
	if err := valid.Struct(in); err != nil {
		return ClaimResult{}, err
	}
	if err := s.Codes.Allow(ctx, "wish-claim-ip:"+ip, s.Limits.ClaimsPerIPHour, time.Hour); err != nil {
		return ClaimResult{}, err
	}
	ph, err := donorPhone(in.Phone)
	if err != nil {
		return ClaimResult{}, err
	}
	name, org := cleanText(in.Name), cleanText(in.Org)
	if len([]rune(name)) < 2 {
		return ClaimResult{}, apperr.Field("name", "请填写姓名")
	}
	if in.DonorKind != "person" && org == "" {
		return ClaimResult{}, apperr.Field("org", "请填写单位或团组织名称")
	}
	w, err := s.publicWish(ctx, id)
	if err != nil {
		return ClaimResult{}, err
	}
	if w.Status != StatusPublished {
		return ClaimResult{}, apperr.New(apperr.Conflict, "该心愿已被认领")
	}
	if err := s.Codes.Check(ctx, PurposeClaim, ph, in.Code); err != nil {
		return ClaimResult{}, err
	}
	if s.Limits.ActivePerPhone > 0 {
		held, _, err := s.Store.Wishes(ctx, Filter{Status: []string{StatusClaimed}, Limit: 500})
		if err != nil {
			return ClaimResult{}, fmt.Errorf("wish.Claim: %w", err)
		}
		n := 0
		for _, h := range held {
			if h.Claim != nil && h.Claim.Phone == ph {
				n++
			}
		}
		if n >= s.Limits.ActivePerPhone {
			return ClaimResult{}, apperr.Errorf(apperr.TooMany, "每个手机号最多同时认领 %d 个心愿, 请送达后再认领", s.Limits.ActivePerPhone)
		}
	}
	now := s.Now()
	h := sha256.Sum256([]byte(ip))
	c := Claim{ID: w.ID + ":" + strconv.Itoa(w.ClaimSeq+1), Wish: w.ID, Seq: w.ClaimSeq + 1, DonorKind: in.DonorKind, Name: name, Org: org,
		Phone: ph, At: now, Until: now.AddDate(0, 0, s.Limits.ClaimDays), IPHash: hex.EncodeToString(h[:8])}
	if err := s.Store.MarkElderClaim(ctx, w.Elder, w.ID); err != nil {
		return ClaimResult{}, fmt.Errorf("wish.Claim: %w", err)
	}
	if c, err = s.insertClaim(ctx, w, c); err != nil {
		return ClaimResult{}, err
	}
	// The claim is won; the wish now follows it. A lost version race
	// (an organizer's change at the same moment) is retried on a fresh read.
	for try := 0; ; try++ {
		if w.ClaimSeq >= c.Seq || w.Status != StatusPublished {
			return ClaimResult{}, apperr.New(apperr.Conflict, "该心愿刚刚被他人认领")
		}
		w.Status, w.ClaimSeq, w.Claim, w.UpdatedAt = StatusClaimed, c.Seq, &c, now
		w.Steps = append(w.Steps, Step{Kind: StepClaimed, Seq: c.Seq, By: "donor", ByName: maskName(name), At: now})
		err = s.Store.ReplaceWish(ctx, &w)
		if err == nil || !apperr.Is(err, apperr.Conflict) || try >= 3 {
			break
		}
		if w, err = s.Store.Wish(ctx, id); err != nil {
			break
		}
	}
	if err != nil {
		return ClaimResult{}, fmt.Errorf("wish.Claim: %w", err)
	}
	s.changed(ctx)
	body := fmt.Sprintf("【金晖助老】%s您好, 您已认领微心愿“%s”, 请于 %s 前将物品交给当地团组织或志愿者, 送达后我们会告诉您。感谢您的爱心!",
		name, w.Need, c.Until.In(clock.Shanghai).Format("1月2日"))
	_ = s.SMS.Send(ctx, "wish-claimed:"+c.ID, ph, "wish", body)
	return ClaimResult{Wish: w.View(), Until: c.Until, Message: "认领成功"}, nil
}

// orphanAfter is how long a claim whose wish never followed it (its
// claimer stopped between the two writes) holds its round.
const orphanAfter = 2 * time.Minute

// insertClaim wins claim round c.Seq of published wish w, or resumes one
// cut short (issue 12): a claim stored whose wish was never updated — the
// process stopped between the two writes — is the same donor's to finish,
// and after orphanAfter no longer blocks others, who take the next round.
// Without this the wish showed as open but every claim hit the orphan.
func (s *Service) insertClaim(ctx context.Context, w Wish, c Claim) (Claim, error) {
	for range 3 {
		err := s.Store.InsertWishClaim(ctx, c)
		if err == nil {
			return c, nil
		}
		if !apperr.Is(err, apperr.Conflict) {
			return Claim{}, fmt.Errorf("wish.Claim: %w", err)
		}
		prev, gerr := s.Store.WishClaim(ctx, c.ID)
		switch {
		case gerr != nil:
			return Claim{}, apperr.New(apperr.Conflict, "该心愿刚刚被他人认领")
		case prev.Phone == c.Phone:
			return prev, nil // this donor's own claim, cut short: finish it
		case s.Now().Sub(prev.At) < orphanAfter:
			return Claim{}, apperr.New(apperr.Conflict, "该心愿刚刚被他人认领")
		}
		c.Seq = prev.Seq + 1
		c.ID = w.ID + ":" + strconv.Itoa(c.Seq)
	}
	return Claim{}, apperr.New(apperr.Conflict, "该心愿刚刚被他人认领")
}

// maskName keeps a donor's surname only (张**).
func maskName(name string) string {
	r := []rune(name)
	if len(r) <= 1 {
		return name
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// ExpireClaims reopens every wish whose claim ran out before now (rule
// R3: a claim holds for a set number of days). MongoDB holds the truth;
// the periodic sweep may run any number of times.
func (s *Service) ExpireClaims(ctx context.Context) (int, error) {
	now := s.Now()
	ws, _, err := s.Store.Wishes(ctx, Filter{Status: []string{StatusClaimed}, ClaimBefore: now, Limit: 500})
	if err != nil {
		return 0, fmt.Errorf("wish.ExpireClaims: %w", err)
	}
	n := 0
	for _, w := range ws {
		if w.Status != StatusClaimed || w.Claim == nil || !w.Claim.Until.Before(now) {
			continue
		}
		seq := w.Claim.Seq
		w.Status, w.Claim, w.UpdatedAt = StatusPublished, nil, now
		w.Steps = append(w.Steps, Step{Kind: StepExpired, Seq: seq, By: "system", ByName: "系统", Note: "认领超时未送达, 心愿重新开放", At: now})
		if err := s.Store.ReplaceWish(ctx, &w); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				continue // changed meanwhile (delivered); the next sweep looks again
			}
			return n, fmt.Errorf("wish.ExpireClaims: %w", err)
		}
		_ = s.Store.UnmarkElderClaim(ctx, w.Elder, w.ID)
		s.changed(ctx)
		n++
	}
	return n, nil
}

// Deliver is the visit service's check-out hook: when the "winter item"
// (rule S2, code "winter") was ticked, the elder's claimed wishes are
// delivered on that visit, recorded, and each donor is thanked by SMS
// (once: the message's key is the claim). Idempotent, so the retried
// check-out that follows its error completes it. It reads the elder's
// marked wishes by _id, never scanning the wishes.
func (s *Service) Deliver(ctx context.Context, v visit.Visit) error {
	if v.Status != visit.StatusDone || !slices.ContainsFunc(v.Checklist, func(it visit.Item) bool { return it.Code == "winter" && it.Done }) {
		return nil
	}
	ids, err := s.Store.ElderClaims(ctx, v.Elder)
	if err != nil {
		return fmt.Errorf("wish.Deliver: %w", err)
	}
	now := s.Now()
	for _, id := range ids {
		w, err := s.Store.Wish(ctx, id)
		if apperr.Is(err, apperr.NotFound) {
			_ = s.Store.UnmarkElderClaim(ctx, v.Elder, id)
			continue
		} else if err != nil {
			return fmt.Errorf("wish.Deliver: %w", err)
		}
		switch {
		case w.Status == StatusClaimed && w.Claim != nil:
			w.Status, w.UpdatedAt = StatusDelivered, now
			w.Steps = append(w.Steps, Step{Kind: StepDelivered, Seq: w.Claim.Seq, By: v.Volunteer, ByName: v.VolunteerName, Visit: v.ID, At: now})
			if err := s.Store.ReplaceWish(ctx, &w); err != nil {
				return fmt.Errorf("wish.Deliver: %w", err)
			}
			s.changed(ctx)
		case w.Status == StatusDelivered && w.Claim != nil && slices.ContainsFunc(w.Steps, func(st Step) bool { return st.Kind == StepDelivered && st.Visit == v.ID }):
			// delivered on this visit before a crash or a retried check-out: thank now
		default:
			_ = s.Store.UnmarkElderClaim(ctx, v.Elder, id) // stale: reopened, or delivered elsewhere
			continue
		}
		if err := s.thank(ctx, w); err != nil {
			return err
		}
		_ = s.Store.UnmarkElderClaim(ctx, v.Elder, id)
	}
	return nil
}

// thank texts the donor once (the key is the claim) and records it.
func (s *Service) thank(ctx context.Context, w Wish) error {
	if slices.ContainsFunc(w.Steps, func(st Step) bool { return st.Kind == StepThanked }) {
		return nil
	}
	body := fmt.Sprintf("【金晖助老】%s您好, 您认领的微心愿“%s”已由志愿者送到%s的老人手中。感谢您的爱心与支持!",
		w.Claim.Name, w.Need, w.VillageName)
	if err := s.SMS.Send(ctx, "wish-thanks:"+w.Claim.ID, w.Claim.Phone, "wish", body); err != nil {
		return fmt.Errorf("wish.thank: %w", err)
	}
	now := s.Now()
	w.Steps = append(w.Steps, Step{Kind: StepThanked, Seq: w.Claim.Seq, By: "system", ByName: "系统", Note: "已短信致谢捐赠人", At: now})
	w.UpdatedAt = now
	if err := s.Store.ReplaceWish(ctx, &w); err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("wish.thank: %w", err)
	}
	return nil
}
