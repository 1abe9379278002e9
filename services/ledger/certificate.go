package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/dict"
	"jinhui/shared/valid"
)

// Certificate states, computed when a certificate is read.
const (
	CertNotice    = "notice"    // 公示中: in its notice period
	CertEffective = "effective" // 已生效
	CertWithdrawn = "withdrawn" // 已撤销: withdrawn during the notice period
)

// CertStatusName is the Chinese name of each certificate state.
var CertStatusName = map[string]string{CertNotice: "公示中", CertEffective: "已生效", CertWithdrawn: "已撤销"}

// MaxNoticeDays is the longest notice period a county may set.
const MaxNoticeDays = 30

// CertSettings is a county's certificate settings: who issues its
// certificates (the organisation, its person in charge, the handler and a
// contact) and how many days a certificate is published before it takes
// effect (0: at once).
type CertSettings struct {
	County     string    `bson:"_id" json:"county"`
	Issuer     string    `bson:"issuer" json:"issuer" validate:"required,max=60"`
	Principal  string    `bson:"principal" json:"principal" validate:"required,max=32"`
	Handler    string    `bson:"handler" json:"handler" validate:"required,max=32"`
	Contact    string    `bson:"contact" json:"contact" validate:"required,max=32"`
	NoticeDays int       `bson:"noticeDays" json:"noticeDays" validate:"min=0,max=30"`
	UpdatedBy  string    `bson:"updatedBy" json:"updatedBy"`
	UpdatedAt  time.Time `bson:"updatedAt" json:"updatedAt"`
}

// SettingsStore keeps the counties' certificate settings.
type SettingsStore interface {
	// CertSettings returns a county's settings; NotFound when none is set.
	CertSettings(ctx context.Context, county string) (CertSettings, error)
	PutCertSettings(ctx context.Context, cs CertSettings) error
	// WithdrawCertificate marks a certificate withdrawn unless it is
	// already; NotFound when there is no such certificate not withdrawn.
	WithdrawCertificate(ctx context.Context, code, cause string, at time.Time) error
}

// countyOf checks that code is a county in p's reach.
func countyOf(p access.Principal, code string) (string, error) {
	c, err := area.NormalizeCode(code)
	if err != nil || area.LevelOf(c) != area.County {
		return "", apperr.Field("county", "请选择县(区)")
	}
	if !area.Within(c, p.Region) {
		return "", apperr.NotFoundf("区划不存在")
	}
	return c, nil
}

// Settings returns a county's certificate settings (organizers over it);
// a county that set nothing gets the defaults: the programme as issuer, no
// notice period.
func (s *Service) Settings(ctx context.Context, p access.Principal, county string) (CertSettings, error) {
	if err := p.RequireOrganizer(); err != nil {
		return CertSettings{}, err
	}
	c, err := countyOf(p, county)
	if err != nil {
		return CertSettings{}, err
	}
	return s.settings(ctx, c)
}

func (s *Service) settings(ctx context.Context, county string) (CertSettings, error) {
	cs := CertSettings{County: county, Issuer: s.Issuer}
	if r, err := s.Store.Region(ctx, county); err == nil {
		cs.Issuer = r.Name + s.Issuer
	}
	if s.CertStore == nil {
		return cs, nil
	}
	got, err := s.CertStore.CertSettings(ctx, county)
	if apperr.Is(err, apperr.NotFound) {
		return cs, nil
	}
	if err != nil {
		return CertSettings{}, fmt.Errorf("ledger.settings: %w", err)
	}
	return got, nil
}

// PutSettings sets a county's certificate settings (writers at county
// level or above).
func (s *Service) PutSettings(ctx context.Context, p access.Principal, county string, in CertSettings) (CertSettings, error) {
	if err := valid.Struct(in); err != nil {
		return CertSettings{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return CertSettings{}, err
	}
	c, err := countyOf(p, county)
	if err != nil {
		return CertSettings{}, err
	}
	if s.CertStore == nil {
		return CertSettings{}, apperr.New(apperr.Internal, "证明设置不可用")
	}
	cs := CertSettings{County: c, Issuer: strings.TrimSpace(in.Issuer), Principal: strings.TrimSpace(in.Principal), Handler: strings.TrimSpace(in.Handler),
		Contact: strings.TrimSpace(in.Contact), NoticeDays: in.NoticeDays, UpdatedBy: p.Name, UpdatedAt: s.Now()}
	for _, fv := range [][2]string{{"issuer", cs.Issuer}, {"principal", cs.Principal}, {"handler", cs.Handler}, {"contact", cs.Contact}} {
		if fv[1] == "" {
			return CertSettings{}, apperr.Field(fv[0], "请填写"+dict.Label(fv[0]))
		}
	}
	if cs.NoticeDays < 0 || cs.NoticeDays > MaxNoticeDays {
		return CertSettings{}, apperr.Field("noticeDays", fmt.Sprintf("公示天数应在 0 到 %d 之间", MaxNoticeDays))
	}
	if err := s.CertStore.PutCertSettings(ctx, cs); err != nil {
		return CertSettings{}, fmt.Errorf("ledger.PutSettings: %w", err)
	}
	return cs, nil
}

// applySettings fills a new certificate's issuer fields and notice period
// from its county's settings.
func (s *Service) applySettings(ctx context.Context, county string, c *Certificate) error {
	cs, err := s.settings(ctx, county)
	if err != nil {
		return err
	}
	c.Issuer, c.Principal, c.Handler, c.Contact = cs.Issuer, cs.Principal, cs.Handler, cs.Contact
	if cs.NoticeDays > 0 {
		until := c.IssuedAt.AddDate(0, 0, cs.NoticeDays)
		c.NoticeUntil = &until
	}
	return nil
}

// withStatus sets the certificate's state as of now.
func (s *Service) withStatus(c Certificate) Certificate {
	if c.TotalHours == 0 { // issued before the national template's fields
		c.TotalHours = hours(c.CreditMinutes + c.HonourMinutes)
	}
	switch {
	case c.WithdrawnAt != nil:
		c.Status = CertWithdrawn
	case c.NoticeUntil != nil && s.Now().Before(*c.NoticeUntil):
		c.Status = CertNotice
	default:
		c.Status = CertEffective
	}
	c.StatusName = CertStatusName[c.Status]
	return c
}

// WithdrawInput withdraws a certificate in its notice period.
type WithdrawInput struct {
	Reason string `json:"reason" validate:"required,max=200"`
}

// Withdraw withdraws a certificate during its notice period (an objection
// upheld), with the reason; verification then shows it withdrawn.
func (s *Service) Withdraw(ctx context.Context, p access.Principal, code string, in WithdrawInput) (Certificate, error) {
	if err := valid.Struct(in); err != nil {
		return Certificate{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Certificate{}, err
	}
	if s.CertStore == nil {
		return Certificate{}, apperr.New(apperr.Internal, "证明设置不可用")
	}
	c, err := s.Store.Certificate(ctx, strings.ToUpper(strings.TrimSpace(code)))
	if err != nil || !p.Sees(c.Areas) {
		return Certificate{}, apperr.NotFoundf("证明编号不存在")
	}
	if strings.TrimSpace(in.Reason) == "" {
		return Certificate{}, apperr.Field("reason", "请填写撤销原因")
	}
	if st := s.withStatus(c).Status; st != CertNotice {
		return Certificate{}, apperr.Errorf(apperr.Conflict, "只有公示中的证明可以撤销(该证明%s)", CertStatusName[st])
	}
	now := s.Now()
	if err := s.CertStore.WithdrawCertificate(ctx, c.Code, strings.TrimSpace(in.Reason), now); err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return Certificate{}, apperr.New(apperr.Conflict, "该证明已撤销")
		}
		return Certificate{}, fmt.Errorf("ledger.Withdraw: %w", err)
	}
	c.WithdrawnAt, c.WithdrawCause = &now, strings.TrimSpace(in.Reason)
	return s.withStatus(c), nil
}

// VolunteerNo is a volunteer's number in the programme as records and
// certificates print it: derived from the internal id (so it is stable) but
// not it, and naming no region, since certificates are public.
func VolunteerNo(id string) string {
	sum := sha256.Sum256([]byte("jinhui-volunteer-no:" + id))
	n := binary.BigEndian.Uint64(sum[:8]) % 1e12
	return fmt.Sprintf("%012d", n)
}

// CertIDNumber masks an ID number for a certificate: only the last four
// characters show (the public verification page shows it, so not even the
// region of birth is given away).
func CertIDNumber(id string) string {
	r := []rune(strings.TrimSpace(id))
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}
