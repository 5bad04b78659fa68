"""The portal sends its one-time codes through the channels app's SMS provider interface."""

from aftersale.channels.sms import BACKENDS, ConsoleSmsBackend, SmsBackend, sms_backend

__all__ = ["BACKENDS", "ConsoleSmsBackend", "SmsBackend", "sms_backend"]
