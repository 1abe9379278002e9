package httpapi

import (
	"errors"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"jinhui/shared/apperr"
)

// status is the one map from error code to HTTP status.
var status = map[apperr.Code]int{
	apperr.Invalid:      fiber.StatusBadRequest,
	apperr.NotFound:     fiber.StatusNotFound,
	apperr.Conflict:     fiber.StatusConflict,
	apperr.Forbidden:    fiber.StatusForbidden,
	apperr.Unauthorized: fiber.StatusUnauthorized,
	apperr.TooMany:      fiber.StatusTooManyRequests,
	apperr.Internal:     fiber.StatusInternalServerError,
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// errorHandler is the one place errors become responses. Only internal
// errors are logged, with the request id and never with request data.
func errorHandler(log *slog.Logger, aborted func(error) bool) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		if aborted != nil && aborted(err) {
			c.Set(fiber.HeaderRetryAfter, "5")
			return c.Status(fiber.StatusServiceUnavailable).JSON(errorBody{errorDetail{Code: "unavailable", Message: "服务正在重启, 本次操作未完成, 请稍后重试"}})
		}
		var fe *fiber.Error
		if errors.As(err, &fe) {
			code := apperr.Invalid
			msg := "请求无效"
			switch fe.Code {
			case fiber.StatusNotFound:
				code, msg = apperr.NotFound, "接口不存在"
			case fiber.StatusMethodNotAllowed:
				code, msg = apperr.NotFound, "不支持该请求方法"
			case fiber.StatusRequestEntityTooLarge:
				msg = "请求内容过大: 上传文件不超过 16 MB, 其他请求不超过 1 MB"
			case fiber.StatusTooManyRequests:
				code, msg = apperr.TooMany, "请求过于频繁, 请稍后再试"
				c.Set(fiber.HeaderRetryAfter, "60")
			}
			return c.Status(fe.Code).JSON(errorBody{errorDetail{Code: string(code), Message: msg}})
		}
		ae := apperr.As(err)
		if ae == nil || ae.Code == apperr.Internal {
			log.Error("request failed", "requestId", c.Locals("requestid"), "method", c.Method(), "route", c.Route().Path, "err", err.Error())
			ae = apperr.New(apperr.Internal, "服务器内部错误, 请稍后再试")
		}
		if ae.Code == apperr.TooMany {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfter(ae.RetryAfter)))
		}
		return c.Status(status[ae.Code]).JSON(errorBody{errorDetail{Code: string(ae.Code), Message: ae.Message, Field: ae.Field}})
	}
}

// retryAfter is the Retry-After of a refusal in whole seconds (at least 1;
// 60 when the refusal did not say).
func retryAfter(d time.Duration) int {
	if d <= 0 {
		return 60
	}
	return max(1, int(math.Ceil(d.Seconds())))
}
