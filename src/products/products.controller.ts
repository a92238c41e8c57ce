import { Body, Controller, Get, Post } from '@nestjs/common';
import { Product } from './product.entity';
import { ProductsService } from './products.service';

@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  findAll(): Promise<Product[]> {
    return this.products.findAll();
  }

  @Post()
  create(@Body() body: { name: string; price: string; quantity?: number; description?: string }): Promise<Product> {
    return this.products.create(body);
  }
}
