package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// AccountInput creates an organizer account.
type AccountInput struct {
	Username string `json:"username" validate:"required,min=3,max=32,alphanum"`
	Name     string `json:"name" validate:"required,max=32"`
	Password string `json:"password" validate:"required,min=10,max=128" textnorm:"keep"`
	Region   string `json:"region" validate:"required"`
	Role     string `json:"role" validate:"required,oneof=organizer supervisor admin"`
}

// CreateAccount creates an organizer account at a node inside the admin's
// subtree. An admin cannot create accounts above or beside themself.
func (s *Service) CreateAccount(ctx context.Context, p access.Principal, in AccountInput, regionExists func(string) bool) (Account, error) {
	if err := valid.Struct(in); err != nil {
		return Account{}, err
	}
	if err := p.RequireAdmin(); err != nil {
		return Account{}, err
	}
	code, err := area.NormalizeCode(in.Region)
	if err != nil {
		return Account{}, apperr.Field("region", err.Error())
	}
	if !area.Within(code, p.Region) {
		return Account{}, apperr.Field("region", "只能为本级及下级区划创建账号")
	}
	if !regionExists(code) {
		return Account{}, apperr.Field("region", "区划不存在")
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return Account{}, fmt.Errorf("auth.CreateAccount: %w", err)
	}
	a := Account{ID: uuid.Must(uuid.NewV7()).String(), Username: strings.ToLower(in.Username), Name: in.Name, Region: code,
		Areas: area.AreasOf(code), Role: in.Role, PasswordHash: hash, CreatedAt: time.Now(), CreatedBy: p.ID}
	if err := s.Accounts.InsertAccount(ctx, a); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Account{}, apperr.Field("username", "用户名已被使用")
		}
		return Account{}, fmt.Errorf("auth.CreateAccount: %w", err)
	}
	return a, nil
}

// AccountSorts are the columns the account list sorts on, on the server
// (each served by an index on the subtree, the column and _id).
var AccountSorts = []string{"username", "createdAt"}

// ListAccounts lists the accounts in an admin's subtree.
func (s *Service) ListAccounts(ctx context.Context, p access.Principal, ord page.Order, offset, limit int) ([]Account, int, error) {
	if err := p.RequireAdmin(); err != nil {
		return nil, 0, err
	}
	return s.Accounts.Accounts(ctx, p.Region, ord, offset, limit)
}

// SetDisabled disables or re-enables an account in an admin's subtree. A
// disabled account cannot log in, and its open sessions are deleted at
// once, so that re-enabling it does not bring them back.
func (s *Service) SetDisabled(ctx context.Context, p access.Principal, id string, disabled bool) (Account, error) {
	if err := p.RequireAdmin(); err != nil {
		return Account{}, err
	}
	a, err := s.Accounts.Account(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if !area.Within(a.Region, p.Region) {
		return Account{}, apperr.NotFoundf("账号不存在")
	}
	if a.ID == p.ID {
		return Account{}, apperr.Field("id", "不能停用自己的账号")
	}
	if err := s.Accounts.SetAccountDisabled(ctx, id, disabled); err != nil {
		return Account{}, err
	}
	if disabled {
		if err := s.EndSessions(ctx, access.KindOrganizer, id); err != nil {
			return Account{}, fmt.Errorf("auth.SetDisabled: %w", err)
		}
	}
	a.Disabled = disabled
	return a, nil
}

// UnlockCodes lifts the lock of a volunteer's or carer's one-time codes
// (set after repeated wrong codes), the way back that needs no SMS. The
// person (kind volunteer or carer, by id) must be in p's subtree, and p
// must be able to write there (rule Writer). The lift is audited.
func (s *Service) UnlockCodes(ctx context.Context, p access.Principal, kind, id string) (time.Duration, error) {
	if err := access.Writer.Check(p); err != nil {
		return 0, err
	}
	phone, areas, err := s.People.Contact(ctx, kind, id)
	if err != nil {
		return 0, err
	}
	if err := p.RequireArea(areas, "人员"); err != nil {
		return 0, err
	}
	left, err := s.Codes.Lockout(ctx, phone)
	if err != nil {
		return 0, err
	}
	if s.Audit != nil {
		e := audit.Entry{ID: uuid.Must(uuid.NewV7()).String(), At: time.Now(), ActorKind: p.Kind, ActorID: p.ID, ActorName: p.Name, Region: p.Region,
			Action: audit.ActionUnlockCodes, ObjectType: kind, ObjectID: id, Areas: areas, RequestID: audit.RequestID(ctx)}
		if err := s.Audit.Record(ctx, e); err != nil {
			return 0, fmt.Errorf("auth.UnlockCodes: %w", err)
		}
	}
	return left, s.Codes.ClearLockout(ctx, phone)
}
