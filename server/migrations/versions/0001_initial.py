"""The server's bookkeeping tables (srv_*) and the mirror of every syncable desktop table.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.String(), nullable=True),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=True),
        sa.Column("entity", sa.String(), nullable=True),
        sa.Column("entity_id", sa.String(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_audit_events")),
    )
    op.create_table(
        "cash_movements",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_cash_movements")),
    )
    op.create_table(
        "cash_shifts",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_by", sa.Uuid(), nullable=True),
        sa.Column("opening_float", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("expected_cash", sa.BigInteger(), nullable=True),
        sa.Column("counted_cash", sa.BigInteger(), nullable=True),
        sa.Column("counted_denominations", sa.Text(), nullable=True),
        sa.Column("z_number", sa.String(), nullable=True),
        sa.Column("z_report", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_cash_shifts")),
    )
    op.create_table(
        "customer_phones",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("digits", sa.String(), nullable=True),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_customer_phones")),
    )
    op.create_table(
        "customers",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("first_name", sa.String(), nullable=True),
        sa.Column("last_name", sa.String(), nullable=True),
        sa.Column("company", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("tags", sa.String(), nullable=True),
        sa.Column("marketing_consent", sa.Boolean(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sort_name", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_customers")),
    )
    op.create_table(
        "device_models",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("device_type", sa.String(), nullable=True),
        sa.Column("brand", sa.String(), nullable=True),
        sa.Column("model", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_device_models")),
    )
    op.create_table(
        "devices",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("device_type", sa.String(), nullable=True),
        sa.Column("brand", sa.String(), nullable=True),
        sa.Column("model", sa.String(), nullable=True),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("imei", sa.String(), nullable=True),
        sa.Column("colour", sa.String(), nullable=True),
        sa.Column("passcode", sa.String(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_devices")),
    )
    op.create_table(
        "item_barcodes",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("symbology", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_item_barcodes")),
    )
    op.create_table(
        "item_suppliers",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_sku", sa.String(), nullable=True),
        sa.Column("cost_price", sa.BigInteger(), nullable=True),
        sa.Column("preferred", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_item_suppliers")),
    )
    op.create_table(
        "items",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("sku", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("brand", sa.String(), nullable=True),
        sa.Column("cost_price", sa.BigInteger(), nullable=True),
        sa.Column("sell_price", sa.BigInteger(), nullable=True),
        sa.Column("tax_class", sa.String(), nullable=True),
        sa.Column("low_stock_threshold", sa.BigInteger(), nullable=True),
        sa.Column("reorder_level", sa.BigInteger(), nullable=True),
        sa.Column("reorder_quantity", sa.BigInteger(), nullable=True),
        sa.Column("bin_location", sa.String(), nullable=True),
        sa.Column("track_expiry", sa.Boolean(), nullable=True),
        sa.Column("serialized", sa.Boolean(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("compatible_models", sa.String(), nullable=True),
        sa.Column("sort_name", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_items")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(), nullable=True),
        sa.Column("hash", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_journal_entries")),
    )
    op.create_table(
        "message_attachments",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sa.String(), nullable=True),
        sa.Column("content_type", sa.String(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_message_attachments")),
    )
    op.create_table(
        "message_templates",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("subject", sa.String(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_message_templates")),
    )
    op.create_table(
        "messages",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("recipient", sa.String(), nullable=True),
        sa.Column("subject", sa.String(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("subject_kind", sa.String(), nullable=True),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("attempts", sa.BigInteger(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dedupe_key", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_messages")),
    )
    op.create_table(
        "messaging_settings",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email_enabled", sa.Boolean(), nullable=True),
        sa.Column("smtp_host", sa.String(), nullable=True),
        sa.Column("smtp_port", sa.BigInteger(), nullable=True),
        sa.Column("smtp_security", sa.String(), nullable=True),
        sa.Column("smtp_username", sa.String(), nullable=True),
        sa.Column("smtp_password", sa.String(), nullable=True),
        sa.Column("from_address", sa.String(), nullable=True),
        sa.Column("sms_enabled", sa.Boolean(), nullable=True),
        sa.Column("sms_url", sa.String(), nullable=True),
        sa.Column("sms_token", sa.String(), nullable=True),
        sa.Column("sms_format", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_messaging_settings")),
    )
    op.create_table(
        "payment_methods",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("needs_reference", sa.Boolean(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_payment_methods")),
    )
    op.create_table(
        "payments",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("method_code", sa.String(), nullable=True),
        sa.Column("method_kind", sa.String(), nullable=True),
        sa.Column("method_name", sa.String(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("tendered", sa.BigInteger(), nullable=True),
        sa.Column("change", sa.BigInteger(), nullable=True),
        sa.Column("tip", sa.BigInteger(), nullable=True),
        sa.Column("reference", sa.String(), nullable=True),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_payments")),
    )
    op.create_table(
        "purchase_order_lines",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=True),
        sa.Column("unit_cost", sa.BigInteger(), nullable=True),
        sa.Column("supplier_sku", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_purchase_order_lines")),
    )
    op.create_table(
        "purchase_orders",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_purchase_orders")),
    )
    op.create_table(
        "sales_documents",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("original_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=True),
        sa.Column("rounding_mode", sa.String(), nullable=True),
        sa.Column("discount_kind", sa.String(), nullable=True),
        sa.Column("discount_value", sa.BigInteger(), nullable=True),
        sa.Column("subtotal", sa.BigInteger(), nullable=True),
        sa.Column("discount_total", sa.BigInteger(), nullable=True),
        sa.Column("tax_total", sa.BigInteger(), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=True),
        sa.Column("rounding", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("hold_label", sa.String(), nullable=True),
        sa.Column("void_reason", sa.String(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sales_documents")),
    )
    op.create_table(
        "sales_lines",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("sku", sa.String(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=True),
        sa.Column("unit_price", sa.BigInteger(), nullable=True),
        sa.Column("unit_cost", sa.BigInteger(), nullable=True),
        sa.Column("discount_kind", sa.String(), nullable=True),
        sa.Column("discount_value", sa.BigInteger(), nullable=True),
        sa.Column("line_discount", sa.BigInteger(), nullable=True),
        sa.Column("document_discount", sa.BigInteger(), nullable=True),
        sa.Column("tax_class", sa.String(), nullable=True),
        sa.Column("tax_rate_bp", sa.BigInteger(), nullable=True),
        sa.Column("net", sa.BigInteger(), nullable=True),
        sa.Column("tax", sa.BigInteger(), nullable=True),
        sa.Column("gross", sa.BigInteger(), nullable=True),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("source_kind", sa.String(), nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("restock", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sales_lines")),
    )
    op.create_table(
        "shop_profile",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("tax_id", sa.String(), nullable=True),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("locale", sa.String(), nullable=True),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=True),
        sa.Column("default_tax_rate_bp", sa.BigInteger(), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("idle_lock_minutes", sa.BigInteger(), nullable=True),
        sa.Column("ticket_terms", sa.Text(), nullable=True),
        sa.Column("warranty_days", sa.BigInteger(), nullable=True),
        sa.Column("ticket_parts_mode", sa.String(), nullable=True),
        sa.Column("rounding_mode", sa.String(), nullable=True),
        sa.Column("cash_rounding", sa.BigInteger(), nullable=True),
        sa.Column("invoice_prefix", sa.String(), nullable=True),
        sa.Column("payment_terms_days", sa.BigInteger(), nullable=True),
        sa.Column("invoice_footer", sa.Text(), nullable=True),
        sa.Column("receipt_footer", sa.Text(), nullable=True),
        sa.Column("bank_details", sa.Text(), nullable=True),
        sa.Column("tax_ids", sa.Text(), nullable=True),
        sa.Column("front_desk_discount_limit_bp", sa.BigInteger(), nullable=True),
        sa.Column("technician_discount_limit_bp", sa.BigInteger(), nullable=True),
        sa.Column("refund_limit", sa.BigInteger(), nullable=True),
        sa.Column("tips_allowed", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_shop_profile")),
    )
    op.create_table(
        "srv_change_log",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("change_id", sa.Uuid(), nullable=False),
        sa.Column("txn_id", sa.Uuid(), nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(length=8), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("fields", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("base_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("chain", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "seq", name=op.f("pk_srv_change_log")),
        sa.UniqueConstraint("shop_id", "change_id", name="uq_srv_change_log_shop_change"),
    )
    op.create_table(
        "srv_rejections",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("txn_id", sa.Uuid(), nullable=True),
        sa.Column("station_seq", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_srv_rejections")),
    )
    op.create_index(
        "ix_srv_rejections_shop_station", "srv_rejections", ["shop_id", "station_id"], unique=False
    )
    op.create_table(
        "srv_row_clocks",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("clocks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("seqs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "table_name", "row_id", name=op.f("pk_srv_row_clocks")),
    )
    op.create_table(
        "srv_shops",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_seq", sa.BigInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("min_seq", sa.BigInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("chain", sa.LargeBinary(), server_default=sa.text("''::bytea"), nullable=False),
        sa.Column(
            "floor_chain", sa.LargeBinary(), server_default=sa.text("''::bytea"), nullable=False
        ),
        sa.Column("clock", sa.String(length=40), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_srv_shops")),
    )
    op.create_table(
        "srv_tombstones",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "table_name", "row_id", name=op.f("pk_srv_tombstones")),
    )
    op.create_table(
        "stations",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_stations")),
    )
    op.create_table(
        "stock_count_lines",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("count_id", sa.Uuid(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("expected", sa.BigInteger(), nullable=True),
        sa.Column("counted", sa.BigInteger(), nullable=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("average_cost", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_stock_count_lines")),
    )
    op.create_table(
        "stock_counts",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("scope", sa.String(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("started_by", sa.Uuid(), nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_stock_counts")),
    )
    op.create_table(
        "stock_locations",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_stock_locations")),
    )
    op.create_table(
        "stock_lots",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_stock_lots")),
    )
    op.create_table(
        "stock_movements",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("unit_cost", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("reference_kind", sa.String(), nullable=True),
        sa.Column("reference_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.Column("lot_id", sa.Uuid(), nullable=True),
        sa.Column("serial", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_stock_movements")),
    )
    op.create_table(
        "store_credit_entries",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_store_credit_entries")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("table_name", sa.String(), nullable=True),
        sa.Column("row_id", sa.Uuid(), nullable=True),
        sa.Column("field", sa.String(), nullable=True),
        sa.Column("kept_value", sa.Text(), nullable=True),
        sa.Column("kept_hlc", sa.String(), nullable=True),
        sa.Column("kept_station", sa.String(), nullable=True),
        sa.Column("kept_user_id", sa.Uuid(), nullable=True),
        sa.Column("other_value", sa.Text(), nullable=True),
        sa.Column("other_hlc", sa.String(), nullable=True),
        sa.Column("other_station", sa.String(), nullable=True),
        sa.Column("other_user_id", sa.Uuid(), nullable=True),
        sa.Column("other_row_id", sa.Uuid(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_sync_conflicts")),
    )
    op.create_table(
        "suppliers",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("contact_name", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("terms", sa.String(), nullable=True),
        sa.Column("lead_time_days", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("sort_name", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_suppliers")),
    )
    op.create_table(
        "tax_classes",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("rate_bp", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_tax_classes")),
    )
    op.create_table(
        "ticket_assignments",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_assignments")),
    )
    op.create_table(
        "ticket_attachments",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("file_name", sa.String(), nullable=True),
        sa.Column("original_name", sa.String(), nullable=True),
        sa.Column("content_type", sa.String(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("width", sa.BigInteger(), nullable=True),
        sa.Column("height", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(), nullable=True),
        sa.Column("caption", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_attachments")),
    )
    op.create_table(
        "ticket_labour_lines",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("minutes", sa.BigInteger(), nullable=True),
        sa.Column("hourly_rate", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_labour_lines")),
    )
    op.create_table(
        "ticket_notes",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("author", sa.String(), nullable=True),
        sa.Column("customer_visible", sa.Boolean(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_notes")),
    )
    op.create_table(
        "ticket_parts",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=True),
        sa.Column("unit_price", sa.BigInteger(), nullable=True),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_parts")),
    )
    op.create_table(
        "ticket_signatures",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", sa.String(), nullable=True),
        sa.Column("image_png", sa.LargeBinary(), nullable=True),
        sa.Column("signer_name", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_signatures")),
    )
    op.create_table(
        "ticket_status_changes",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("from_status_id", sa.Uuid(), nullable=True),
        sa.Column("to_status_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_status_changes")),
    )
    op.create_table(
        "ticket_statuses",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("notify_customer", sa.Boolean(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_ticket_statuses")),
    )
    op.create_table(
        "tickets",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("status_id", sa.Uuid(), nullable=True),
        sa.Column("priority", sa.String(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("condition", sa.Text(), nullable=True),
        sa.Column("accessories", sa.String(), nullable=True),
        sa.Column("estimate_labour", sa.BigInteger(), nullable=True),
        sa.Column("estimate_parts", sa.BigInteger(), nullable=True),
        sa.Column("promised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warranty_of_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_to_id", sa.Uuid(), nullable=True),
        sa.Column("signature_consent", sa.Boolean(), nullable=True),
        sa.Column("diagnosis", sa.Text(), nullable=True),
        sa.Column("work_done", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("warranty_days", sa.BigInteger(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("estimate_approval", sa.String(), nullable=True),
        sa.Column("estimate_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("estimate_approved_by", sa.String(), nullable=True),
        sa.Column("estimate_recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_tickets")),
    )
    op.create_table(
        "users",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(), nullable=True),
        sa.Column("display_name", sa.String(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=True),
        sa.Column("recovery_code_hash", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_users")),
    )
    op.create_table(
        "srv_branches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["srv_shops.id"], name=op.f("fk_srv_branches_shop_id_srv_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_srv_branches")),
    )
    op.create_index(op.f("ix_srv_branches_shop_id"), "srv_branches", ["shop_id"], unique=False)
    op.create_table(
        "srv_enrollment_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("station_code", sa.String(length=8), nullable=True),
        sa.Column("station_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("station_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["srv_branches.id"],
            name=op.f("fk_srv_enrollment_codes_branch_id_srv_branches"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["srv_shops.id"], name=op.f("fk_srv_enrollment_codes_shop_id_srv_shops")
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_srv_enrollment_codes")),
    )
    op.create_table(
        "srv_stations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_station_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("schema", sa.String(length=64), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["srv_branches.id"], name=op.f("fk_srv_stations_branch_id_srv_branches")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["srv_shops.id"], name=op.f("fk_srv_stations_shop_id_srv_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_srv_stations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_srv_stations_token_hash")),
    )
    op.create_index(
        "ix_srv_stations_live_code",
        "srv_stations",
        ["shop_id", "code"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("srv_stations")
    op.drop_table("srv_enrollment_codes")
    op.drop_index(op.f("ix_srv_branches_shop_id"), table_name="srv_branches")
    op.drop_table("srv_branches")
    op.drop_table("users")
    op.drop_table("tickets")
    op.drop_table("ticket_statuses")
    op.drop_table("ticket_status_changes")
    op.drop_table("ticket_signatures")
    op.drop_table("ticket_parts")
    op.drop_table("ticket_notes")
    op.drop_table("ticket_labour_lines")
    op.drop_table("ticket_attachments")
    op.drop_table("ticket_assignments")
    op.drop_table("tax_classes")
    op.drop_table("suppliers")
    op.drop_table("sync_conflicts")
    op.drop_table("store_credit_entries")
    op.drop_table("stock_movements")
    op.drop_table("stock_lots")
    op.drop_table("stock_locations")
    op.drop_table("stock_counts")
    op.drop_table("stock_count_lines")
    op.drop_table("stations")
    op.drop_table("srv_tombstones")
    op.drop_table("srv_shops")
    op.drop_table("srv_row_clocks")
    op.drop_index("ix_srv_rejections_shop_station", table_name="srv_rejections")
    op.drop_table("srv_rejections")
    op.drop_table("srv_change_log")
    op.drop_table("shop_profile")
    op.drop_table("sales_lines")
    op.drop_table("sales_documents")
    op.drop_table("purchase_orders")
    op.drop_table("purchase_order_lines")
    op.drop_table("payments")
    op.drop_table("payment_methods")
    op.drop_table("messaging_settings")
    op.drop_table("messages")
    op.drop_table("message_templates")
    op.drop_table("message_attachments")
    op.drop_table("journal_entries")
    op.drop_table("items")
    op.drop_table("item_suppliers")
    op.drop_table("item_barcodes")
    op.drop_table("devices")
    op.drop_table("device_models")
    op.drop_table("customers")
    op.drop_table("customer_phones")
    op.drop_table("cash_shifts")
    op.drop_table("cash_movements")
    op.drop_table("audit_events")
