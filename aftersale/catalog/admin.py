from django.contrib import admin

from aftersale.common.masking import mask_phone

from .models import Customer, Order, OrderLine, Product


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "masked_phone", "tier", "is_vip")
    list_filter = ("tier", "is_vip", "language")
    search_fields = ("name", "=phone")

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "category", "warranty_months", "is_custom_made", "is_perishable")
    list_filter = ("category", "is_custom_made", "is_perishable", "is_digital_unsealed", "is_periodical")
    search_fields = ("sku", "name")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ("product",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("order_no", "channel", "store", "customer", "paid_amount", "paid_at", "signed_at")
    list_filter = ("channel", "payment_method")
    search_fields = ("=order_no",)
    raw_id_fields = ("customer",)
    inlines = [OrderLineInline]
    show_full_result_count = False
