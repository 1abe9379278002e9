// Package apperr is the platform's one application error type. Every
// package returns these (wrapped with the operation that failed); the HTTP
// layer is the one place that turns a Code into a status and a JSON body.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for the caller.
type Code string

// The codes an application error can carry.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Forbidden    Code = "forbidden"
	Unauthorized Code = "unauthorized"
	TooMany      Code = "too_many_requests"
	Internal     Code = "internal"
)

// Error is an error a person can act on: a code, a message in Simplified
// Chinese and, for bad input, the name of the offending field.
type Error struct {
	Code    Code
	Message string
	Field   string
	// RetryAfter, on a TooMany error, is how long the caller should wait
	// (the HTTP layer sends it as Retry-After).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// New returns an error with the given code and message.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Field returns an Invalid error naming the field at fault.
func Field(field, msg string) *Error { return &Error{Code: Invalid, Message: msg, Field: field} }

// Errorf returns an error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wait returns a TooMany error telling the caller to retry after d.
func Wait(msg string, d time.Duration) *Error {
	return &Error{Code: TooMany, Message: msg, RetryAfter: d}
}

// NotFoundf is a shorthand for a NotFound error.
func NotFoundf(format string, args ...any) *Error { return Errorf(NotFound, format, args...) }

// ErrForbidden is the error for an object outside the caller's reach.
var ErrForbidden = New(Forbidden, "无权访问该对象")

// As finds the application error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// CodeOf returns the code of err: Internal when err carries no application error.
func CodeOf(err error) Code {
	if e := As(err); e != nil {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries an application error with the given code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
