"""The callback listener behind `sinchvoice listen`: event replies, verification, forwarding, serving."""
