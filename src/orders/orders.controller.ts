import { Body, Controller, Get, ParseIntPipe, Post, Query } from '@nestjs/common';
import { Order } from './order.entity';
import { OrdersService } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  findForUser(@Query('userId', ParseIntPipe) userId: number): Promise<Order[]> {
    return this.orders.findForUser(userId);
  }

  @Post()
  create(@Body() body: { userId: number; total: string }): Promise<Order> {
    return this.orders.create(body);
  }
}
